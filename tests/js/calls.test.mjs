// The call table: ids, answers, remote errors, cancellation on abort and time limit, late answers, the allowlist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameKind, ErrorName, IpcOperation, DisconnectReason, ErrorCode } from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';
import { connectFake, value, settle } from './fake-main.mjs';

const rules = (...list) => ({ allowAll: false, rules: list.map(([operations, pattern]) => ({ operations, pattern })) });

test('invoke numbers its calls from 1, sends the arguments as one array, and resolves with the result', async () => {
  const { ipc, main } = await connectFake();
  const a = ipc.invoke('add', 1, 2);
  const b = ipc.invoke('echo', { bytes: new Uint8Array([1, 2]) });
  const fa = await main.next();
  const fb = await main.next();
  assert.deepEqual([fa.kind, fa.callId, fa.channel], [FrameKind.Invoke, 1, 'add']);
  assert.deepEqual(value(fa), [1, 2]);
  assert.deepEqual([fb.kind, fb.callId, fb.channel], [FrameKind.Invoke, 2, 'echo']);
  assert.deepEqual([...value(fb)[0].bytes], [1, 2]);

  // Answers may come in any order.
  main.result(2, { bytes: new Uint8Array([3, 4]) });
  main.result(1, 3);
  assert.equal(await a, 3);
  const echoed = await b;
  assert.ok(echoed.bytes instanceof Uint8Array);
  assert.deepEqual([...echoed.bytes], [3, 4]);
});

test('a result of null reads as null; an empty result as undefined', async () => {
  const { ipc, main } = await connectFake();
  const a = ipc.invoke('a');
  const b = ipc.invoke('b');
  await main.next();
  await main.next();
  main.result(1, null);
  main.write({ kind: FrameKind.Result, callId: 2 });
  assert.equal(await a, null);
  assert.equal(await b, undefined);
});

test('a handler that threw rejects with an Error named after the .NET type, keeping message and stack', async () => {
  const { ipc, main } = await connectFake();
  const call = ipc.invoke('files:open', 'x');
  const frame = await main.next();
  main.error(frame.callId, {
    code: ErrorCode.HandlerFailed,
    message: 'The file is locked.',
    type: 'System.IO.IOException',
    stack: '   at App.Files.Open(String path) in Files.cs:line 12',
  });
  await assert.rejects(call, (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'System.IO.IOException');
    assert.equal(e.message, 'The file is locked.');
    assert.equal(e.stack, 'System.IO.IOException: The file is locked.\n   at App.Files.Open(String path) in Files.cs:line 12');
    assert.equal(e.remoteStack, '   at App.Files.Open(String path) in Files.cs:line 12');
    assert.equal(e.channel, 'files:open');
    assert.equal(e.code, 'HandlerFailed');
    return true;
  });
});

test('every error code becomes its own error, and no-handler and access-denied errors name the channel', async () => {
  const { ipc, main } = await connectFake();
  const cases = [
    [{ code: ErrorCode.NoHandler, message: "No handler registered for 'c0'" }, ErrorName.Invocation, /No handler registered for 'c0'/],
    [{ code: ErrorCode.AccessDenied, message: 'Access denied.', operation: IpcOperation.Invoke }, ErrorName.AccessDenied, /permit Invoke on channel 'c1'/],
    [{ code: ErrorCode.Serialization, message: 'bad int' }, ErrorName.Serialization, /other end of channel 'c2': bad int/],
    [{ code: ErrorCode.LimitExceeded, message: 'full' }, ErrorName.QueueFull, /channel 'c3' refused the call: full/],
    [{ code: ErrorCode.Cancelled, message: 'stopped' }, ErrorName.Cancelled, /'c4' was cancelled: stopped/],
    [{ code: ErrorCode.HandlerFailed, message: 'no type' }, ErrorName.Invocation, /^no type$/],
  ];
  const calls = cases.map((_, i) => ipc.invoke(`c${i}`));
  for (let i = 0; i < cases.length; i++) {
    const frame = await main.next();
    main.error(frame.callId, cases[i][0]);
  }

  for (let i = 0; i < cases.length; i++) {
    await assert.rejects(calls[i], (e) => {
      assert.equal(e.name, cases[i][1], `case ${i}`);
      assert.match(e.message, cases[i][2]);
      assert.equal(e.channel, `c${i}`);
      return true;
    });
  }
});

test('the allowlist from the welcome refuses before anything is sent, naming the channel', async () => {
  const { ipc, main } = await connectFake({
    welcome: rules([IpcOperation.Invoke, 'ok'], [IpcOperation.Send, 'send-only'], [IpcOperation.Receive, 'news']),
  });
  await assert.rejects(ipc.invoke('secret'), (e) => {
    assert.equal(e.name, ErrorName.AccessDenied);
    assert.equal(e.message, "The channel allowlist does not permit Invoke on channel 'secret'.");
    assert.equal(e.channel, 'secret');
    assert.equal(e.operation, IpcOperation.Invoke);
    return true;
  });
  await assert.rejects(ipc.invoke('send-only'), (e) => e.name === ErrorName.AccessDenied);
  assert.throws(() => ipc.send('secret'), (e) => e.name === ErrorName.AccessDenied && e.operation === IpcOperation.Send);
  assert.throws(() => ipc.sendSync('send-only'), (e) => e.name === ErrorName.AccessDenied && e.operation === IpcOperation.SendSync);
  assert.throws(() => ipc.on('secret', () => {}), (e) => e.name === ErrorName.AccessDenied && e.operation === IpcOperation.Receive);
  assert.throws(() => ipc.once('ok', () => {}), (e) => e.name === ErrorName.AccessDenied && /'ok'/.test(e.message));
  assert.throws(() => ipc.handle('news', () => {}), (e) => e.name === ErrorName.AccessDenied && e.operation === IpcOperation.Handle);
  assert.equal(ipc.listenerCount('secret'), 0);

  ipc.send('send-only', 1);
  const ok = ipc.invoke('ok');
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => [f.kind, f.channel, f.callId]), [[FrameKind.Send, 'send-only', 0], [FrameKind.Invoke, 'ok', 1]]);
  main.result(1, 'fine');
  assert.equal(await ok, 'fine');
});

test('aborting an invoke rejects with the signal\'s reason and sends Cancel; the late answer is dropped', async () => {
  const { ipc, main, socket, errors } = await connectFake();
  const controller = new AbortController();
  const call = ipc.invokeWithOptions('slow', { signal: controller.signal }, 'arg');
  const frame = await main.next();
  assert.deepEqual(value(frame), ['arg']);
  controller.abort();
  await assert.rejects(call, (e) => e.name === 'AbortError');
  const cancel = await main.next();
  assert.equal(cancel.kind, FrameKind.Cancel);
  assert.equal(cancel.callId, frame.callId);
  assert.equal(cancel.json.length, 0);

  // The handler's answer arrives after all: dropped, and the link carries on.
  main.result(frame.callId, 'too late');
  main.error(frame.callId, { code: 0, message: 'also late' });
  const next = ipc.invoke('fast');
  const f2 = await main.next();
  assert.equal(f2.callId, frame.callId + 1);
  main.result(f2.callId, 'ok');
  assert.equal(await next, 'ok');
  assert.equal(socket.readyState, 1);
  assert.deepEqual(errors, []);
});

test('an abort with a custom reason rejects with that reason', async () => {
  const { ipc, main } = await connectFake();
  const controller = new AbortController();
  const call = ipc.invokeWithOptions('slow', { signal: controller.signal });
  await main.next();
  const reason = new Error('user left the page');
  controller.abort(reason);
  await assert.rejects(call, (e) => e === reason);
});

test('an already aborted signal rejects at once and sends nothing', async () => {
  const { ipc, main } = await connectFake();
  await assert.rejects(ipc.invokeWithOptions('x', { signal: AbortSignal.abort() }), (e) => e.name === 'AbortError');
  assert.deepEqual(await main.drain(), []);
});

test('a time limit rejects with a timeout error naming the channel and the limit, and sends Cancel', async () => {
  const { ipc, main } = await connectFake();
  const call = ipc.invokeWithOptions('slow', { timeout: 20 });
  const frame = await main.next();
  await assert.rejects(call, (e) => {
    assert.equal(e.name, ErrorName.Timeout);
    assert.equal(e.message, "No answer on channel 'slow' within 20 ms.");
    assert.equal(e.channel, 'slow');
    return true;
  });
  const cancel = await main.next();
  assert.deepEqual([cancel.kind, cancel.callId], [FrameKind.Cancel, frame.callId]);
  main.result(frame.callId, 'late');
  await settle();
});

test('time limits: per call, else the channel\'s, else invokeTimeout; Infinity means none', async () => {
  const { ipc, main } = await connectFake({ options: { invokeTimeout: 15, channelTimeouts: { patient: Infinity, quick: 10 } } });
  const byDefault = ipc.invoke('plain');
  const byChannel = ipc.invoke('quick');
  const unlimited = ipc.invoke('patient');
  const perCall = ipc.invokeWithOptions('plain2', { timeout: Infinity });
  await Promise.all([
    assert.rejects(byDefault, /'plain' within 15 ms/),
    assert.rejects(byChannel, /'quick' within 10 ms/),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 40));
  const frames = await main.drain();
  const cancels = frames.filter((f) => f.kind === FrameKind.Cancel).map((f) => f.callId).sort();
  assert.deepEqual(cancels, [1, 2]);
  main.result(3, 'waited');
  main.result(4, 'waited too');
  assert.equal(await unlimited, 'waited');
  assert.equal(await perCall, 'waited too');
  await assert.rejects(ipc.invokeWithOptions('x', { timeout: -1 }), RangeError);
});

test('an answer to a call never made is a protocol violation: Goodbye, close, pending calls fail', async () => {
  const { ipc, main, socket, connection } = await connectFake();
  const pending = ipc.invoke('a');
  await main.next();
  main.result(99, 'who asked?');
  await assert.rejects(pending, (e) => {
    assert.equal(e.name, ErrorName.Disconnected);
    assert.equal(e.reason, DisconnectReason.ProtocolViolation);
    assert.match(e.message, /channel 'a'/);
    assert.match(e.message, /call 99, which was never made/);
    return true;
  });
  const goodbye = await main.next();
  assert.deepEqual([goodbye.kind, goodbye.callId], [FrameKind.Goodbye, DisconnectReason.ProtocolViolation]);
  assert.equal(socket.readyState, 3);
  assert.equal((await connection.closed).reason, DisconnectReason.ProtocolViolation);
});

test('a malformed error body rejects the call and ends the link', async () => {
  const { ipc, main, socket } = await connectFake();
  const pending = ipc.invoke('a');
  await main.next();
  main.write({ kind: FrameKind.Error, callId: 1, json: new TextEncoder().encode('nope') });
  await assert.rejects(pending, (e) => e.name === ErrorName.Protocol && /malformed error/.test(e.message));
  assert.equal(socket.readyState, 3);
});

test('a result that refers to a missing binary segment rejects that call only', async () => {
  const { ipc, main, socket } = await connectFake();
  const pending = ipc.invoke('a');
  await main.next();
  main.write({ kind: FrameKind.Result, callId: 1, json: new TextEncoder().encode('{"$bin":3}') });
  await assert.rejects(pending, (e) => e.name === ErrorName.Serialization && /segment 3/.test(e.message));
  assert.equal(socket.readyState, 1);
});

test('arguments that cannot be sent reject the invoke (and throw from send) with nothing written', async () => {
  const { ipc, main } = await connectFake();
  await assert.rejects(ipc.invoke('a', () => 1), (e) => e.name === ErrorName.Serialization);
  assert.throws(() => ipc.send('a', Symbol('x')), (e) => e.name === ErrorName.Serialization);
  assert.throws(() => ipc.send(42), TypeError);
  assert.deepEqual(await main.drain(), []);
});

test('a frame over maxFrameSize is refused at the page, before it is written', async () => {
  const { ipc, main } = await connectFake({ options: { maxFrameSize: 1024 } });
  assert.throws(() => ipc.send('big', new Uint8Array(2000)), (e) => e.name === ErrorName.Serialization && /MaxFrameSize/.test(e.message));
  await assert.rejects(ipc.invoke('big', 'x'.repeat(2000)), (e) => e.name === ErrorName.Serialization);
  ipc.send('small', new Uint8Array(10));
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => f.channel), ['small']);
});

test('more than maxPendingCalls calls at once fail locally', async () => {
  const { ipc, main } = await connectFake({ options: { maxPendingCalls: 2 } });
  const a = ipc.invoke('a');
  const b = ipc.invoke('b');
  await assert.rejects(ipc.invoke('c'), (e) => e.name === ErrorName.Ipc && /Too many pending calls/.test(e.message));
  await main.drain();
  main.result(1, 1);
  assert.equal(await a, 1);
  const c = ipc.invoke('c');
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => [f.channel, f.callId]), [['c', 3]]);
  main.result(2, 2);
  main.result(3, 3);
  assert.deepEqual([await b, await c], [2, 3]);
});

test('send writes one Send frame with the argument array, binary values as segments', async () => {
  const { ipc, main } = await connectFake();
  ipc.send('log', 'line', 2, { raw: new Uint16Array([1]) }, undefined);
  const frame = await main.next();
  assert.equal(frame.kind, FrameKind.Send);
  assert.equal(frame.callId, 0);
  assert.equal(new TextDecoder().decode(frame.json), '["line",2,{"raw":{"$bin":0}},null]');
  assert.deepEqual([...frame.segments[0]], [1, 0]);
});
