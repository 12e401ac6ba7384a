// contextBridge.exposeInMainWorld: a frozen copy of the preload's API on the page's global object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freezeApi } from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';
import { connectFake, value } from './fake-main.mjs';

test('the preload exposes an API the page can call but not change', async () => {
  const world = {};
  const { main } = await connectFake({
    options: { world },
    preload: (ipcRenderer, contextBridge) => {
      contextBridge.exposeInMainWorld('nativeBridge', {
        version: 2,
        greet: (name) => ipcRenderer.invoke('greet', name),
        files: { list: ['a'], open: (path) => ipcRenderer.send('open', path) },
      });
    },
  });
  const api = world.nativeBridge;
  assert.ok(Object.isFrozen(api));
  assert.ok(Object.isFrozen(api.files));
  assert.ok(Object.isFrozen(api.files.list));
  assert.ok(Object.isFrozen(api.greet));
  assert.throws(() => { 'use strict'; api.greet = () => 'hijacked'; }, TypeError);
  assert.throws(() => { api.files.list.push('b'); }, TypeError);
  assert.throws(() => { world.nativeBridge = {}; }, TypeError);
  assert.throws(() => { delete world.nativeBridge; }, TypeError);

  const greeting = api.greet('web');
  const frame = await main.next();
  assert.deepEqual([frame.channel, value(frame)], ['greet', ['web']]);
  main.result(frame.callId, 'Hello web');
  assert.equal(await greeting, 'Hello web');
  api.files.open('/tmp/x');
  assert.deepEqual(value(await main.next()), ['/tmp/x']);
});

test('the page gets a copy: changing the preload\'s object afterwards does not change the exposed API', () => {
  const original = { limit: 1, nested: { flag: true }, fn() { return this.limit; } };
  const exposed = freezeApi(original);
  original.limit = 99;
  original.nested.flag = false;
  assert.equal(exposed.limit, 1);
  assert.equal(exposed.nested.flag, true);
  assert.notEqual(exposed.fn, original.fn, 'the page never holds the original function');
  assert.equal(exposed.fn(), 99, 'a method still runs against the preload\'s own object');
  assert.equal(exposed.fn.name, 'fn');
});

test('binary values are copied rather than frozen; cycles and shared objects are kept as one copy', () => {
  const bytes = new Uint8Array([1, 2]);
  const shared = { n: 1 };
  const api = { bytes, a: shared, b: shared };
  api.self = api;
  const exposed = freezeApi(api);
  assert.deepEqual([...exposed.bytes], [1, 2]);
  bytes[0] = 7;
  assert.equal(exposed.bytes[0], 1);
  assert.equal(exposed.a, exposed.b);
  assert.equal(exposed.self, exposed);
  assert.ok(Object.isFrozen(exposed.a));
});

test('a key that is already taken cannot be exposed over', async () => {
  const world = { taken: 1 };
  let error;
  await connectFake({
    options: { world },
    preload: (ipcRenderer, contextBridge) => {
      contextBridge.exposeInMainWorld('api', {});
      try {
        contextBridge.exposeInMainWorld('api', { other: true });
      } catch (e) {
        error = e;
      }

      assert.throws(() => contextBridge.exposeInMainWorld('taken', {}), /existing property/);
      assert.throws(() => contextBridge.exposeInMainWorld('', {}), TypeError);
    },
  });
  assert.match(error.message, /Cannot bind an API on top of an existing property/);
  assert.equal(world.taken, 1);
});

test('primitives and functions can be exposed directly', () => {
  const world = {};
  const bridge = freezeApi(() => 42);
  assert.equal(bridge(), 42);
  assert.ok(Object.isFrozen(bridge));
  assert.equal(freezeApi('text'), 'text');
  assert.equal(freezeApi(null), null);
  void world;
});
