// The frame codec: the byte layout of docs/protocol.md (v3, binary segments), as FrameCodec.cs writes and reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeFrame, decodeFrame, decodeFrameBody, encodeVarint, decodeVarint, varintSize, FrameKind, ErrorName,
  encodeQueueLimit, decodeQueueLimit, QueueFullMode,
} from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';

const enc = new TextEncoder();

function assertProtocolError(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, ErrorName.Protocol);
    if (pattern) {
      assert.match(e.message, pattern);
    }

    return true;
  });
}

test('varints: LEB128 at every size boundary, Numbers and BigInts alike', () => {
  const cases = [
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16383, [0xff, 0x7f]],
    [16384, [0x80, 0x80, 0x01]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
  ];
  for (const [value, bytes] of cases) {
    assert.deepEqual([...encodeVarint(value)], bytes, `encode ${value}`);
    assert.deepEqual([...encodeVarint(BigInt(value))], bytes, `encode ${value}n`);
    assert.equal(varintSize(value), bytes.length);
    const decoded = decodeVarint(Uint8Array.from(bytes));
    assert.equal(decoded.value, value);
    assert.equal(decoded.next, bytes.length);
  }
});

test('varints: values up to 2^64-1 take up to ten bytes and read back exactly', () => {
  const max = (1n << 64n) - 1n;
  const bytes = encodeVarint(max);
  assert.equal(bytes.length, 10);
  assert.deepEqual([...bytes], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.equal(decodeVarint(bytes).value, max);

  const top = 1n << 63n;
  assert.equal(encodeVarint(top).length, 10);
  assert.equal(decodeVarint(encodeVarint(top)).value, top);

  // Safe integers come back as Numbers, larger values as BigInts.
  assert.equal(decodeVarint(encodeVarint(Number.MAX_SAFE_INTEGER)).value, Number.MAX_SAFE_INTEGER);
  assert.equal(decodeVarint(encodeVarint(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).value, BigInt(Number.MAX_SAFE_INTEGER) + 1n);
});

test('varints: more than 64 bits, or a truncated varint, is a protocol error', () => {
  assertProtocolError(() => decodeVarint(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])), /64 bits/);
  assertProtocolError(() => decodeVarint(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), /64 bits/);
  assertProtocolError(() => decodeVarint(Uint8Array.from([0x80, 0x80])), /truncated/);
  assertProtocolError(() => decodeVarint(new Uint8Array(0)), /truncated/);
  assert.throws(() => encodeVarint(-1), RangeError);
  assert.throws(() => encodeVarint(1n << 64n), RangeError);
  assert.throws(() => encodeVarint(2 ** 53), RangeError, 'an unsafe Number must be passed as a BigInt');
});

test('a frame is laid out byte for byte as docs/protocol.md says', () => {
  const bytes = encodeFrame({
    kind: FrameKind.Invoke,
    callId: 300,
    channel: 'ab',
    json: enc.encode('[1]'),
    segments: [Uint8Array.from([9, 8])],
  });
  assert.deepEqual([...bytes], [
    15, 0, 0, 0, // u32 LE: the bytes after the prefix
    3, // kind
    0xac, 0x02, // call id 300
    0, // port id
    2, 0x61, 0x62, // channel "ab"
    0, // no ports
    1, 2, // one binary segment of 2 bytes
    0x5b, 0x31, 0x5d, // JSON [1]
    9, 8, // the segment
  ]);
});

test('a frame without binary carries binaryCount 0 in one byte, and an empty payload is allowed', () => {
  const bytes = encodeFrame({ kind: FrameKind.Ready });
  assert.deepEqual([...bytes], [6, 0, 0, 0, 18, 0, 0, 0, 0, 0]);
  const frame = decodeFrame(bytes);
  assert.equal(frame.kind, FrameKind.Ready);
  assert.equal(frame.json.length, 0);
  assert.deepEqual(frame.segments, []);
  assert.equal(frame.ports, null);
});

test('frames round-trip every field: ids, UTF-8 channel, port triples with 63-bit ids, JSON and segments', () => {
  const big = (1n << 62n) + 12345n;
  const frame = {
    kind: FrameKind.PortMessage,
    callId: 2 ** 40,
    portId: big,
    channel: 'fichiers:été/📁',
    ports: [big + 1n, big + 2n, BigInt(8 * 16 + 1), 5n, 6n, 0n],
    json: enc.encode('{"a":{"$bin":1},"b":{"$bin":0}}'),
    segments: [Uint8Array.from([1, 2, 3]), new Uint8Array(0), Uint8Array.from([255])],
  };
  const decoded = decodeFrame(encodeFrame(frame));
  assert.equal(decoded.kind, frame.kind);
  assert.equal(decoded.callId, frame.callId);
  assert.equal(decoded.portId, big);
  assert.equal(decoded.channel, frame.channel);
  assert.deepEqual(decoded.ports, frame.ports);
  assert.equal(new TextDecoder().decode(decoded.json), '{"a":{"$bin":1},"b":{"$bin":0}}');
  assert.deepEqual(decoded.segments.map((s) => [...s]), [[1, 2, 3], [], [255]]);
  assert.equal(decoded.trace, null);
});

test('a received trace context (kind byte 0x80) is skipped: the frame reads as if it had none', () => {
  const plain = encodeFrame({ kind: FrameKind.Invoke, callId: 5, channel: 'x', json: enc.encode('[true]') });
  const trace = Uint8Array.from({ length: 25 }, (_, i) => i + 1);
  const traced = encodeFrame({ kind: FrameKind.Invoke, callId: 5, channel: 'x', json: enc.encode('[true]'), trace });
  assert.equal(traced.length, plain.length + 25);
  assert.equal(traced[4], FrameKind.Invoke | 0x80);
  const a = decodeFrame(plain);
  const b = decodeFrame(traced);
  assert.equal(b.kind, FrameKind.Invoke);
  assert.equal(b.callId, a.callId);
  assert.equal(b.channel, a.channel);
  assert.deepEqual([...b.json], [...a.json]);
  assert.deepEqual([...b.trace], [...trace]);
  assertProtocolError(() => decodeFrameBody(Uint8Array.from([0x83, 1, 2, 3])), /trace/);
});

test('decodeFrame reads views on the message without copying it, and accepts an ArrayBuffer', () => {
  const bytes = encodeFrame({ kind: FrameKind.Send, channel: 'c', json: enc.encode('[{"$bin":0}]'), segments: [Uint8Array.from([7, 7])] });
  const frame = decodeFrame(bytes.buffer);
  assert.equal(frame.segments[0].buffer, bytes.buffer);
  assert.deepEqual([...frame.segments[0]], [7, 7]);
});

test('malformed input throws a typed protocol error and never reads past the frame', () => {
  const good = encodeFrame({ kind: FrameKind.Send, callId: 1, channel: 'abc', json: enc.encode('[1]'), segments: [Uint8Array.from([1, 2])] });
  const withPrefix = (body) => {
    const out = new Uint8Array(body.length + 4);
    new DataView(out.buffer).setUint32(0, body.length, true);
    out.set(body, 4);
    return out;
  };

  assertProtocolError(() => decodeFrame(new Uint8Array(3)), /fewer than a length prefix/);
  assertProtocolError(() => decodeFrame(Uint8Array.from([0, 0, 0, 0])), /a frame of 0 bytes/);
  assertProtocolError(() => decodeFrame(good.subarray(0, good.length - 1)), /length prefix says/);
  assertProtocolError(() => decodeFrame(Uint8Array.from([...good, 0])), /length prefix says/);
  assertProtocolError(() => decodeFrame(good, 10), /limit is 10/);
  // Channel length beyond the frame.
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([1, 0, 0, 50, 0x61]))), /channel name longer/);
  // Channel that is not UTF-8.
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([1, 0, 0, 2, 0xc3, 0x28, 0, 0]))), /not UTF-8/);
  // Port list that is not whole triples.
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([7, 0, 1, 0, 2, 1, 2, 0]))), /triples/);
  // More ports than bytes.
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([7, 0, 1, 0, 30, 1, 2, 3]))), /more ports than bytes/);
  // Binary segments longer than what is left.
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([1, 0, 0, 0, 0, 1, 9, 0x5b, 0x5d]))), /binary segments of 9 bytes/);
  // More segments than bytes.
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([1, 0, 0, 0, 0, 40]))), /more binary segments/);
  // Header cut short.
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([1, 0x80]))), /truncated/);
  assertProtocolError(() => decodeFrame(withPrefix(Uint8Array.from([1, 0, 0, 0]))), /truncated/);
});

test('encodeFrame refuses what the layout cannot carry', () => {
  assert.throws(() => encodeFrame({ kind: 0x80 }), RangeError);
  assert.throws(() => encodeFrame({ kind: FrameKind.Send, ports: [1n, 2n] }), RangeError);
  assert.throws(() => encodeFrame({ kind: FrameKind.Send, trace: new Uint8Array(3) }), RangeError);
});

test('queue limits pack as capacity << 4 | (mode + 1), as QueueLimit.Encode does', () => {
  assert.equal(encodeQueueLimit(null), 0);
  assert.equal(encodeQueueLimit({ capacity: 8, fullMode: QueueFullMode.Wait }), 129);
  assert.equal(encodeQueueLimit({ capacity: 3, fullMode: QueueFullMode.Fail }), 52);
  assert.deepEqual(decodeQueueLimit(129n), { capacity: 8, fullMode: QueueFullMode.Wait });
  assert.deepEqual(decodeQueueLimit(52), { capacity: 3, fullMode: QueueFullMode.Fail });
  assert.equal(decodeQueueLimit(0n), null);
  assert.equal(decodeQueueLimit(16 * 4 + 5), null, 'mode 4 does not exist');
  assert.equal(decodeQueueLimit(1), null, 'capacity 0 is no limit');
  assert.equal(decodeQueueLimit(1n << 62n), null, 'beyond the largest capacity');
});

test('channel names of every length and script read back exactly', () => {
  for (const channel of ['a', 'app:ping', 'x'.repeat(64), 'y'.repeat(65), `${'z'.repeat(70)}é`, 'ü', '通道']) {
    assert.equal(decodeFrame(encodeFrame({ kind: FrameKind.Send, channel })).channel, channel);
  }
});
