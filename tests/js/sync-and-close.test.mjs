// sendSync over the synchronous request of docs/web.md, and what happens when the link ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameKind, ErrorName, IpcOperation, DisconnectReason, ErrorCode, encodeFrame, encodePayload, decodeFrame,
} from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';
import { connectFake, value, settle } from './fake-main.mjs';

const b64 = (bytes) => Buffer.from(bytes).toString('base64');

function answering(answer) {
  const requests = [];
  const syncRequest = (url, headers, body) => {
    const frame = decodeFrame(body);
    requests.push({ url, headers, frame });
    return answer(frame);
  };
  return { requests, syncRequest };
}

function result(frame, v) {
  const payload = encodePayload(v);
  return { status: 200, body: b64(encodeFrame({ kind: FrameKind.Result, callId: frame.callId, json: payload.json, segments: payload.segments })) };
}

test('sendSync posts the SendSync frame with the endpoint, token and frame count, and returns the answer', async () => {
  const sync = answering((frame) => result(frame, { sum: value(frame)[0] + value(frame)[1], raw: new Uint8Array([9]) }));
  const { ipc, main } = await connectFake({ welcome: { endpointId: 31 }, options: { syncRequest: sync.syncRequest } });
  ipc.send('before', 1);
  const pending = ipc.invoke('call');
  const answer = ipc.sendSync('add', 2, 3);
  assert.equal(answer.sum, 5);
  assert.ok(answer.raw instanceof Uint8Array);
  const [request] = sync.requests;
  assert.equal(request.url, 'http://localhost:5000/ipc/sync');
  assert.deepEqual(request.headers, { 'X-IpcBridge-Endpoint': '31', 'X-IpcBridge-Token': 'page-token', 'X-IpcBridge-After': '3' },
    'Ready, the send and the invoke were written before it');
  assert.equal(request.frame.kind, FrameKind.SendSync);
  assert.equal(request.frame.channel, 'add');
  assert.equal(request.frame.callId, 2, 'sendSync shares the call counter with invoke');
  assert.deepEqual(value(request.frame), [2, 3]);
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => f.kind), [FrameKind.Send, FrameKind.Invoke], 'nothing of the sync call goes on the socket');
  main.result(1, 'ok');
  assert.equal(await pending, 'ok');
});

test('a sync answer that is an Error throws it, as invoke rejects', async () => {
  const sync = answering((frame) => ({
    status: 200,
    body: b64(encodeFrame({ kind: FrameKind.Error, callId: frame.callId, json: new TextEncoder().encode(JSON.stringify({ code: ErrorCode.NoHandler, message: "No handler registered for 'q'" })) })),
  }));
  const { ipc } = await connectFake({ options: { syncRequest: sync.syncRequest } });
  assert.throws(() => ipc.sendSync('q'), (e) => e.name === ErrorName.Invocation && /'q'/.test(e.message));
});

test('sync failures map to errors: 504 a timeout naming the channel, 410 disconnected, 403 a refused request, others protocol', async () => {
  const cases = [
    [504, ErrorName.Timeout, /channel 'c'/],
    [410, ErrorName.Disconnected, /channel 'c'/],
    [403, ErrorName.Ipc, /refused the sync request on channel 'c'/],
    [413, ErrorName.Serialization, /larger than main accepts/],
    [400, ErrorName.Protocol, /status 400: malformed/],
    [0, ErrorName.Disconnected, /could not reach main/],
  ];
  for (const [status, name, pattern] of cases) {
    const { ipc } = await connectFake({ options: { syncRequest: () => ({ status, body: status === 400 ? 'malformed' : '' }) } });
    assert.throws(() => ipc.sendSync('c'), (e) => e.name === name && pattern.test(e.message), `status ${status}`);
  }
});

test('a sync answer for another call, or that is not base64 of a frame, is a protocol error', async () => {
  for (const answer of [
    (frame) => result({ callId: frame.callId + 1 }, 1),
    () => ({ status: 200, body: '%%%' }),
    () => ({ status: 200, body: b64(Uint8Array.from([1, 2, 3])) }),
  ]) {
    const { ipc } = await connectFake({ options: { syncRequest: answering(answer).syncRequest } });
    assert.throws(() => ipc.sendSync('c'), (e) => e.name === ErrorName.Protocol);
  }
});

test('sendSync is checked against the allowlist before any request', async () => {
  const sync = answering((frame) => result(frame, 1));
  const { ipc } = await connectFake({
    welcome: { allowAll: false, rules: [{ operations: IpcOperation.SendSync, pattern: 'ok' }] },
    options: { syncRequest: sync.syncRequest },
  });
  assert.throws(() => ipc.sendSync('secret'), (e) => e.name === ErrorName.AccessDenied && e.operation === IpcOperation.SendSync);
  assert.equal(sync.requests.length, 0);
  assert.equal(ipc.sendSync('ok'), 1);
});

test('losing the link rejects pending calls, aborts handlers, and stops listeners', async () => {
  const { ipc, main, socket, connection } = await connectFake();
  const seen = [];
  ipc.on('news', (e, n) => seen.push(n));
  let handlerSignal;
  ipc.handle('work', (event) => {
    handlerSignal = event.signal;
    return new Promise(() => {});
  });
  main.writeValue({ kind: FrameKind.Invoke, callId: 1, channel: 'work' }, []);
  const a = ipc.invoke('a');
  const b = ipc.invokeWithOptions('b', { timeout: 60_000 });
  await main.drain();
  main.send('news', 1);
  main.writeValue({ kind: FrameKind.Goodbye, callId: DisconnectReason.MainDisposed }, null);
  socket.drop(1000);
  for (const call of [a, b]) {
    await assert.rejects(call, (e) => {
      assert.equal(e.name, ErrorName.Disconnected);
      assert.equal(e.reason, DisconnectReason.MainDisposed);
      assert.match(e.message, /could not complete/);
      return true;
    });
  }

  assert.equal(handlerSignal.aborted, true);
  assert.equal(ipc.isDisconnected, true);
  const closed = await connection.closed;
  assert.equal(closed.reason, DisconnectReason.MainDisposed);
  // Nothing more reaches the page's listeners, and sending fails clearly.
  socket.onmessage?.({ data: encodeFrame({ kind: FrameKind.Send, channel: 'news', json: new TextEncoder().encode('[2]') }).buffer });
  assert.deepEqual(seen, [1]);
  assert.throws(() => ipc.send('x'), (e) => e.name === ErrorName.Disconnected);
  await assert.rejects(ipc.invoke('x'), (e) => e.name === ErrorName.Disconnected);
  assert.throws(() => ipc.sendSync('x'), (e) => e.name === ErrorName.Disconnected);
});

test('the close reason follows the socket when main said nothing: 1006 is a failed stream, 1002 a violation', async () => {
  for (const [code, reason] of [[1006, DisconnectReason.StreamFailed], [1002, DisconnectReason.ProtocolViolation], [1001, DisconnectReason.RemoteClosed]]) {
    const { ipc, socket, main } = await connectFake();
    const pending = ipc.invoke('x');
    await main.drain();
    socket.drop(code);
    await assert.rejects(pending, (e) => e.reason === reason, `code ${code}`);
  }
});

test('main closing the page (Goodbye LocalClosed from its side) reads as RemoteClosed here', async () => {
  const { ipc, socket, main } = await connectFake();
  const pending = ipc.invoke('x');
  await main.drain();
  main.write({ kind: FrameKind.Goodbye, callId: DisconnectReason.LocalClosed });
  socket.drop(1000);
  await assert.rejects(pending, (e) => e.reason === DisconnectReason.RemoteClosed);
});

test('ipcRenderer.close() says Goodbye, closes the socket and fails what was pending', async () => {
  const { ipc, socket, main } = await connectFake();
  const pending = ipc.invoke('x');
  await main.next();
  ipc.close();
  await assert.rejects(pending, (e) => e.name === ErrorName.Disconnected && e.reason === DisconnectReason.LocalClosed);
  const goodbye = await main.next();
  assert.deepEqual([goodbye.kind, goodbye.callId], [FrameKind.Goodbye, DisconnectReason.LocalClosed]);
  assert.equal(socket.readyState, 3);
  assert.equal(socket.closedWith.code, 1000);
  ipc.close();
});

test('garbage, a text message or a truncated frame from main ends the link at once instead of hanging', async () => {
  for (const deliver of [
    (s) => s.deliverBytes(Uint8Array.from([200, 0, 0, 0, 1])),
    (s) => s.onmessage({ data: 'hello' }),
    (s) => s.deliverBytes(Uint8Array.from([3, 0, 0, 0, 1, 0x80, 0x80])),
  ]) {
    const { ipc, socket, main, errors } = await connectFake();
    const pending = ipc.invoke('x');
    await main.drain();
    deliver(socket);
    await assert.rejects(pending, (e) => e.name === ErrorName.Disconnected && e.reason === DisconnectReason.ProtocolViolation);
    const goodbye = await main.next();
    assert.equal(goodbye.callId, DisconnectReason.ProtocolViolation);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].name, ErrorName.Protocol);
  }
});

test('a stream item main should not send is a violation; one for a finished call is dropped', async () => {
  const { ipc, socket, main } = await connectFake();
  const first = ipc.invoke('a');
  await main.next();
  main.result(1, 'done');
  await first;
  main.writeValue({ kind: FrameKind.StreamItem, callId: 1 }, 'late item');
  await settle();
  assert.equal(socket.readyState, 1);
  const second = ipc.invoke('b');
  await main.next();
  main.writeValue({ kind: FrameKind.StreamItem, callId: 2 }, 'not a stream');
  await assert.rejects(second, (e) => e.reason === DisconnectReason.ProtocolViolation);
});
