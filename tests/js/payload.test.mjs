// Payloads: JSON with binary values as {"$bin":N} segments, and what cannot cross to .NET.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodePayload, decodePayload, ErrorName, IpcMessageChannel,
} from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';

const text = (bytes) => new TextDecoder().decode(bytes);

function assertSerializationError(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, ErrorName.Serialization);
    if (pattern) {
      assert.match(e.message, pattern);
    }

    return true;
  });
}

test('binary values anywhere become {"$bin":N} in order, with their bytes as segments', () => {
  const buffer = Uint8Array.from([10, 11, 12, 13]).buffer;
  const view = new DataView(buffer, 1, 2);
  const value = {
    name: 'file',
    data: Uint8Array.from([1, 2, 3]),
    parts: [new ArrayBuffer(2), view, { deep: new Int16Array([1, -1]) }],
  };
  const payload = encodePayload(value);
  assert.equal(text(payload.json), '{"name":"file","data":{"$bin":0},"parts":[{"$bin":1},{"$bin":2},{"deep":{"$bin":3}}]}');
  assert.deepEqual(payload.segments.map((s) => [...s]), [[1, 2, 3], [0, 0], [11, 12], [1, 0, 255, 255]]);
});

test('binary values read back as Uint8Array, wherever they sit', () => {
  const original = { a: [Uint8Array.from([5]), { b: new Float32Array([1.5]).buffer }], c: 'x' };
  const payload = encodePayload(original);
  const back = decodePayload(payload.json, payload.segments);
  assert.ok(back.a[0] instanceof Uint8Array);
  assert.deepEqual([...back.a[0]], [5]);
  assert.ok(back.a[1].b instanceof Uint8Array);
  assert.equal(new Float32Array(back.a[1].b.slice().buffer)[0], 1.5);
  assert.equal(back.c, 'x');
});

test('a Node Buffer (a Uint8Array view into a shared pool) sends only its own bytes', () => {
  const buffer = Buffer.from('hi');
  const payload = encodePayload([buffer]);
  assert.deepEqual([...payload.segments[0]], [0x68, 0x69]);
});

test('a reference to a segment the frame does not have is a serialization error', () => {
  const json = new TextEncoder().encode('[{"$bin":1}]');
  assertSerializationError(() => decodePayload(json, [Uint8Array.from([1])]), /segment 1/);
  assertSerializationError(() => decodePayload(new TextEncoder().encode('{"x":{"$bin":0}}'), []), /segment 0/);
  assertSerializationError(() => decodePayload(new TextEncoder().encode('[{"$bin":-1}]'), [new Uint8Array(1)]), /segment -1/);
  assertSerializationError(() => decodePayload(new TextEncoder().encode('[{"$bin":"0"}]'), [new Uint8Array(1)]), /segment "0"/);
});

test('objects that merely mention $bin among other properties, and strings holding it, are left alone', () => {
  const json = new TextEncoder().encode('[{"$bin":0,"other":1},"{\\"$bin\\":0}"]');
  assert.deepEqual(decodePayload(json, []), [{ $bin: 0, other: 1 }, '{"$bin":0}']);
});

test('an empty payload reads as undefined; undefined encodes as null', () => {
  assert.equal(decodePayload(new Uint8Array(0)), undefined);
  assert.equal(text(encodePayload(undefined).json), 'null');
  assert.equal(text(encodePayload([undefined, 1]).json), '[null,1]');
});

test('values that cannot cross to .NET are refused before anything is sent', () => {
  assertSerializationError(() => encodePayload([() => 1]), /a function/);
  assertSerializationError(() => encodePayload({ f() {} }), /a function at "f"/);
  assertSerializationError(() => encodePayload([Symbol('s')]), /a symbol/);
  assertSerializationError(() => encodePayload([10n]), /a BigInt/);
  assertSerializationError(() => encodePayload([new Map()]), /a Map/);
  assertSerializationError(() => encodePayload([new Set([1])]), /a Set/);
  assertSerializationError(() => encodePayload([Promise.resolve(1)]), /a Promise/);
  const { port1 } = new IpcMessageChannel();
  assertSerializationError(() => encodePayload({ port: port1 }), /holds a port at "port": ports travel only in the transfer list/);
  const cycle = { a: 1 };
  cycle.self = cycle;
  assertSerializationError(() => encodePayload(cycle), /could not be serialized/);
  assertSerializationError(() => encodePayload([{ $bin: 0 }]), /reserved for binary/);
});

test('dates and objects with toJSON travel as their JSON form', () => {
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(text(encodePayload([when]).json), '["2024-01-02T03:04:05.000Z"]');
});

test('invalid JSON or UTF-8 in a payload is a serialization error', () => {
  assertSerializationError(() => decodePayload(new TextEncoder().encode('[1,'), []), /not valid JSON/);
  assertSerializationError(() => decodePayload(Uint8Array.from([0x5b, 0xff, 0x5d]), []), /not UTF-8/);
});

test('deep plain values, and objects with their own toJSON, encode as JSON.stringify would', () => {
  let deep = { leaf: [1, 'two', null, true] };
  for (let i = 0; i < 100; i++) {
    deep = { child: deep, list: [i] };
  }

  assert.equal(text(encodePayload(deep).json), JSON.stringify(deep));
  const custom = { toJSON: () => ({ replaced: true }) };
  assert.equal(text(encodePayload([custom]).json), '[{"replaced":true}]');
  const nullProto = Object.assign(Object.create(null), { a: 1 });
  assert.equal(text(encodePayload(nullProto).json), '{"a":1}');
  assert.equal(text(encodePayload({ skipped: undefined, kept: 0 }).json), '{"kept":0}');
});

test('a binary value deep inside an otherwise plain value is still found', () => {
  let deep = { bytes: new Uint8Array([4]) };
  for (let i = 0; i < 100; i++) {
    deep = { child: deep };
  }

  const payload = encodePayload(deep);
  assert.equal(payload.segments.length, 1);
  assert.match(text(payload.json), /\{"bytes":\{"\$bin":0\}\}/);
});
