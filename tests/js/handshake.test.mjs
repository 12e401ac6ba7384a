// The handshake (Hello, Welcome or Refused), the preload, and Ready.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  connect, FrameKind, ErrorName, IpcOperation, DisconnectReason, PROTOCOL_VERSION, resolveEndpoint, encodeFrame,
} from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';
import { FakeSocket, FakeMain, connectFake, json, welcomeBody, settle } from './fake-main.mjs';

function start(options = {}) {
  let socket;
  const connecting = connect({
    url: 'ws://localhost:5000/ipc?role=left',
    token: 'tok',
    createSocket: (url) => (socket = new FakeSocket(url)),
    onError: () => {},
    ...options,
  });
  socket.accept();
  return { connecting, socket, main: new FakeMain(socket) };
}

test('the first frame is a Hello with protocol 3, the token, process id 0 and no peers', async () => {
  const { connecting, socket, main } = start();
  const hello = await main.next();
  assert.equal(socket.url, 'ws://localhost:5000/ipc?role=left');
  assert.equal(socket.binaryType, 'arraybuffer');
  assert.equal(hello.kind, FrameKind.Hello);
  assert.equal(hello.callId, 0);
  assert.equal(hello.portId, 0n);
  assert.equal(hello.channel, '');
  assert.equal(hello.ports, null);
  assert.deepEqual(json(hello), { protocol: PROTOCOL_VERSION, token: 'tok', processId: 0, peers: false });
  assert.equal(PROTOCOL_VERSION, 3);
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  await connecting;
});

test('the hello waits for the socket to open', async () => {
  let socket;
  const connecting = connect({ url: 'ws://h/ipc', createSocket: (url) => (socket = new FakeSocket(url)) });
  await settle();
  assert.equal(socket.sent.length, 0);
  socket.accept();
  const main = new FakeMain(socket);
  assert.equal((await main.next()).kind, FrameKind.Hello);
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  await connecting;
});

test('the welcome gives the id, kind and allowlist; the preload runs with (ipcRenderer, contextBridge) before Ready', async () => {
  const order = [];
  let seen;
  const { connection, main } = await connectFake({
    welcome: { endpointId: 12, kind: 2, allowAll: false, rules: [{ operations: IpcOperation.Send, pattern: 'log:*' }] },
    preload: (ipcRenderer, contextBridge) => {
      seen = { ipcRenderer, contextBridge, endpointId: ipcRenderer.endpointId };
      order.push('preload');
    },
  });
  assert.deepEqual(order, ['preload']);
  assert.equal(seen.ipcRenderer, connection.ipcRenderer);
  assert.equal(typeof seen.contextBridge.exposeInMainWorld, 'function');
  assert.equal(seen.endpointId, 12);
  assert.equal(connection.endpointId, 12);
  assert.equal(connection.kind, 2);
  assert.equal(connection.mainProcessId, 4242);
  assert.equal(connection.allowlist.isAllowed(IpcOperation.Send, 'log:x'), true);
  assert.equal(connection.allowlist.isAllowed(IpcOperation.Invoke, 'log:x'), false);
  assert.deepEqual(await main.drain(), []);
});

test('an async preload is awaited: Ready goes only once its promise resolved, after what it sent', async () => {
  let finish;
  const gate = new Promise((resolve) => (finish = resolve));
  const { connecting: c2, main: m2 } = start({
    preload: async (ipc) => {
      ipc.send('early', 1);
      await gate;
      ipc.send('late', 2);
    },
  });
  await m2.next();
  m2.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  const early = await m2.next();
  assert.equal(early.kind, FrameKind.Send);
  assert.equal(early.channel, 'early');
  assert.deepEqual(await m2.drain(), [], 'no Ready while the preload is still running');
  finish();
  await c2;
  const frames = await m2.drain();
  assert.deepEqual(frames.map((f) => [f.kind, f.channel]), [[FrameKind.Send, 'late'], [FrameKind.Ready, '']]);
  assert.equal(frames[1].json.length, 0, 'an empty Ready payload means ready');
});

test('frames main sends during the preload wait, in order, until it returned', async () => {
  let finish;
  const gate = new Promise((resolve) => (finish = resolve));
  const got = [];
  const { connecting, main } = start({
    preload: async (ipc) => {
      ipc.on('news', (e, n) => got.push(n));
      await gate;
      got.push('preload done');
    },
  });
  await main.next();
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  await settle();
  main.send('news', 1);
  main.send('news', 2);
  await settle();
  assert.deepEqual(got, []);
  finish();
  await connecting;
  assert.deepEqual(got, ['preload done', 1, 2]);
});

test('answers reach a preload that awaits an invoke: they never wait for Ready', async () => {
  let answer;
  const { connecting, main } = start({
    preload: async (ipc) => {
      answer = await ipc.invoke('config');
    },
  });
  await main.next();
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  const call = await main.next();
  assert.equal(call.kind, FrameKind.Invoke);
  main.result(call.callId, { theme: 'dark' });
  const connection = await connecting;
  assert.deepEqual(answer, { theme: 'dark' });
  assert.equal((await main.next()).kind, FrameKind.Ready);
  assert.equal(connection.ipcRenderer.isDisconnected, false);
});

test('a preload that throws sends Ready with an error body, closes the link and rejects connect with its error', async () => {
  const boom = new TypeError('no config');
  const { connecting, main, socket } = start({ preload: () => { throw boom; } });
  await main.next();
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  await assert.rejects(connecting, (e) => e === boom);
  const ready = await main.next();
  assert.equal(ready.kind, FrameKind.Ready);
  const body = json(ready);
  assert.equal(body.code, 0);
  assert.equal(body.message, 'no config');
  assert.equal(body.type, 'TypeError');
  assert.match(body.stack, /no config/);
  const goodbye = await main.next();
  assert.equal(goodbye.kind, FrameKind.Goodbye);
  assert.equal(goodbye.callId, DisconnectReason.LocalClosed);
  assert.equal(socket.readyState, 3);
});

test('an async preload that rejects is reported the same way', async () => {
  const { connecting, main } = start({ preload: async () => { throw new Error('later'); } });
  await main.next();
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  await assert.rejects(connecting, /later/);
  assert.equal(json(await main.next()).message, 'later');
});

test('a refusal rejects with the reason main gave and closes the socket', async () => {
  const { connecting, main, socket } = start();
  await main.next();
  main.write({ kind: FrameKind.Refused, json: new TextEncoder().encode('a wrong page token') });
  await assert.rejects(connecting, (e) => {
    assert.equal(e.name, ErrorName.Protocol);
    assert.equal(e.message, 'Main refused the connection: a wrong page token.');
    return true;
  });
  assert.equal(socket.readyState, 3);
});

test('a welcome of another protocol version is refused by the page', async () => {
  const { connecting, main, socket } = start();
  await main.next();
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody({ protocol: 2 }));
  await assert.rejects(connecting, /Main speaks protocol version 2; this page speaks version 3/);
  const goodbye = await main.next();
  assert.equal(goodbye.kind, FrameKind.Goodbye);
  assert.equal(goodbye.callId, DisconnectReason.ProtocolViolation);
  assert.equal(socket.readyState, 3);
});

test('a malformed welcome, or another frame instead of it, fails the handshake without hanging', async () => {
  for (const write of [
    (main) => main.write({ kind: FrameKind.Welcome, json: new TextEncoder().encode('{"protocol":') }),
    (main) => main.write({ kind: FrameKind.Welcome, json: new TextEncoder().encode('{"protocol":3,"rules":7}') }),
    (main) => main.send('too-early', 1),
    (main) => main.socket.deliverBytes(Uint8Array.from([1, 0, 0, 0])),
  ]) {
    const { connecting, main, socket } = start();
    await main.next();
    write(main);
    await assert.rejects(connecting, (e) => e.name === ErrorName.Protocol || e.name === ErrorName.Disconnected);
    assert.equal(socket.readyState, 3);
  }
});

test('a socket that closes during the handshake rejects connect with a disconnected error', async () => {
  const { connecting, main, socket } = start();
  await main.next();
  socket.drop(1006);
  await assert.rejects(connecting, (e) => e.name === ErrorName.Disconnected && e.reason === DisconnectReason.StreamFailed);
});

test('a handshake that takes longer than handshakeTimeout is abandoned', async () => {
  const { connecting, main, socket } = start({ handshakeTimeout: 30 });
  await main.next();
  await assert.rejects(connecting, (e) => e.name === ErrorName.Timeout && /30 ms/.test(e.message));
  assert.equal(socket.readyState, 3);
});

test('a welcome after the handshake is a protocol violation', async () => {
  const { main, socket, ipc } = await connectFake();
  const pending = ipc.invoke('x');
  await main.next();
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
  await assert.rejects(pending, (e) => e.name === ErrorName.Disconnected && e.reason === DisconnectReason.ProtocolViolation);
  const goodbye = await main.next();
  assert.equal(goodbye.kind, FrameKind.Goodbye);
  assert.equal(goodbye.callId, DisconnectReason.ProtocolViolation);
  assert.equal(socket.readyState, 3);
});

test('the endpoint path and token come from the page\'s meta tags; the sync URL drops the query', async () => {
  assert.deepEqual(resolveEndpoint('/ipc', 'http://localhost:5000/app/index.html'), {
    url: 'ws://localhost:5000/ipc',
    syncUrl: 'http://localhost:5000/ipc/sync',
  });
  assert.deepEqual(resolveEndpoint('/ipc?role=left', 'https://app.local:8443/'), {
    url: 'wss://app.local:8443/ipc?role=left',
    syncUrl: 'https://app.local:8443/ipc/sync',
  });
  assert.equal(resolveEndpoint('ws://127.0.0.1:9/x/', undefined).syncUrl, 'http://127.0.0.1:9/x/sync');

  const meta = { 'ipc-bridge-endpoint': '/ipc', 'ipc-bridge-token': 'from-meta' };
  globalThis.document = { querySelector: (q) => ({ getAttribute: () => meta[/name="([^"]+)"/.exec(q)[1]] }) };
  globalThis.location = { href: 'http://localhost:5000/' };
  try {
    let socket;
    const connecting = connect({ createSocket: (url) => (socket = new FakeSocket(url)) });
    socket.accept();
    const main = new FakeMain(socket);
    assert.equal(socket.url, 'ws://localhost:5000/ipc');
    assert.equal(json(await main.next()).token, 'from-meta');
    main.writeJson({ kind: FrameKind.Welcome }, welcomeBody());
    await connecting;
  } finally {
    delete globalThis.document;
    delete globalThis.location;
  }
});

test('without a URL or a meta tag, connect says what it needs', async () => {
  await assert.rejects(connect({ createSocket: () => new FakeSocket('') }), (e) => e instanceof TypeError && /ipc-bridge-endpoint/.test(e.message));
});

test('a hello the page cannot send (over its own frame limit) fails connect at once', async () => {
  const { connecting, socket } = start({ maxFrameSize: 16 });
  await assert.rejects(connecting, (e) => e.name === ErrorName.Serialization && /limit of 16/.test(e.message));
  assert.equal(socket.readyState, 3);
});

test('an oversized first message from main is refused like any malformed frame', async () => {
  const { connecting, main } = start({ maxFrameSize: 80 });
  await main.next();
  main.socket.deliverBytes(encodeFrame({ kind: FrameKind.Welcome, json: new TextEncoder().encode(JSON.stringify(welcomeBody())) }));
  await assert.rejects(connecting, (e) => e.name === ErrorName.Protocol && /limit is 80/.test(e.message));
});
