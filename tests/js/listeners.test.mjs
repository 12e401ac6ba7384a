// Listeners (on/once/off/removeAllListeners) for main's messages, and handlers answering main's invokes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameKind, ErrorName, IpcOperation, ErrorCode } from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';
import { connectFake, json, value, settle } from './fake-main.mjs';

const rules = (...list) => ({ allowAll: false, rules: list.map(([operations, pattern]) => ({ operations, pattern })) });

test('listeners get (event, ...args) in registration order; event carries the sender, the channel and no ports', async () => {
  const { ipc, main } = await connectFake();
  const calls = [];
  ipc.on('news', (event, ...args) => calls.push(['first', event, args]));
  ipc.on('news', (event, a) => calls.push(['second', event, [a]]));
  main.send('news', 'hello', { n: 1 }, new Uint8Array([7]));
  assert.equal(calls.length, 2);
  assert.equal(calls[0][0], 'first');
  assert.equal(calls[1][0], 'second');
  const [, event, args] = calls[0];
  assert.equal(event.sender, ipc);
  assert.equal(event.channel, 'news');
  assert.deepEqual(event.ports, []);
  assert.ok(Object.isFrozen(event));
  assert.equal(args[0], 'hello');
  assert.deepEqual(args[1], { n: 1 });
  assert.ok(args[2] instanceof Uint8Array);
  assert.equal(calls[1][2][0], 'hello');
});

test('once runs for the next message only; off removes the most recent registration of a listener', async () => {
  const { ipc, main } = await connectFake();
  const seen = [];
  const twice = (e, n) => seen.push(`twice:${n}`);
  ipc.once('c', (e, n) => seen.push(`once:${n}`));
  ipc.on('c', twice).on('c', twice);
  assert.equal(ipc.listenerCount('c'), 3);
  main.send('c', 1);
  assert.equal(ipc.listenerCount('c'), 2);
  ipc.off('c', twice);
  main.send('c', 2);
  ipc.removeListener('c', twice);
  main.send('c', 3);
  assert.deepEqual(seen, ['once:1', 'twice:1', 'twice:1', 'twice:2']);
  assert.equal(ipc.listenerCount('c'), 0);
});

test('removing a once listener by the function given to once works', async () => {
  const { ipc, main } = await connectFake();
  const seen = [];
  const listener = () => seen.push('ran');
  ipc.once('c', listener);
  ipc.off('c', listener);
  main.send('c');
  assert.deepEqual(seen, []);
});

test('removeAllListeners clears one channel, or every channel', async () => {
  const { ipc, main } = await connectFake();
  const seen = [];
  ipc.on('a', () => seen.push('a')).on('b', () => seen.push('b')).on('c', () => seen.push('c'));
  ipc.removeAllListeners('a');
  main.send('a');
  main.send('b');
  assert.deepEqual(seen, ['b']);
  assert.deepEqual(ipc.eventNames().sort(), ['b', 'c']);
  ipc.removeAllListeners();
  main.send('b');
  main.send('c');
  assert.deepEqual(seen, ['b']);
  assert.equal(ipc.listenerCount('b'), 0);
});

test('a listener added or removed during an emit does not change that emit (as in Node)', async () => {
  const { ipc, main } = await connectFake();
  const seen = [];
  const second = () => seen.push('second');
  ipc.on('c', () => {
    seen.push('first');
    ipc.off('c', second);
    ipc.on('c', () => seen.push('added'));
  });
  ipc.on('c', second);
  main.send('c');
  assert.deepEqual(seen, ['first', 'second']);
  main.send('c');
  assert.deepEqual(seen, ['first', 'second', 'first', 'added']);
});

test('a listener that throws is reported and does not keep the others from running', async () => {
  const { ipc, main, errors } = await connectFake();
  const seen = [];
  ipc.on('c', () => { throw new Error('listener broke'); });
  ipc.on('c', () => seen.push('still ran'));
  main.send('c');
  assert.deepEqual(seen, ['still ran']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].message, 'listener broke');
});

test('messages on channels the allowlist does not let the page receive are dropped', async () => {
  const { ipc, main, errors } = await connectFake({ welcome: rules([IpcOperation.Receive, 'ok']) });
  const seen = [];
  ipc.on('ok', (e, n) => seen.push(n));
  main.send('secret', 1);
  main.send('ok', 2);
  assert.deepEqual(seen, [2]);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /'secret'/);
});

test('messages main sends with arguments that cannot be read are reported, not delivered', async () => {
  const { ipc, main, errors } = await connectFake();
  const seen = [];
  ipc.on('c', (e, ...a) => seen.push(a));
  main.write({ kind: FrameKind.Send, channel: 'c', json: new TextEncoder().encode('{"not":"an array"}') });
  main.write({ kind: FrameKind.Send, channel: 'c', json: new TextEncoder().encode('[{"$bin":0}]') });
  main.write({ kind: FrameKind.Send, channel: 'c' });
  assert.deepEqual(seen, [[]]);
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e.name === ErrorName.Serialization));
});

test('handle answers main\'s invokes with the handler\'s value or promise, binary included', async () => {
  const { ipc, main } = await connectFake();
  let seenEvent;
  ipc.handle('double', (event, n) => {
    seenEvent = event;
    return n * 2;
  });
  ipc.handle('read', async (event, name) => ({ name, data: new Uint8Array([1, 2, 3]) }));
  main.writeValue({ kind: FrameKind.Invoke, callId: 41, channel: 'double' }, [21]);
  main.writeValue({ kind: FrameKind.Invoke, callId: 42, channel: 'read' }, ['f']);
  const a = await main.next();
  const b = await main.next();
  assert.deepEqual([a.kind, a.callId, value(a)], [FrameKind.Result, 41, 42]);
  assert.equal(b.kind, FrameKind.Result);
  assert.equal(b.callId, 42);
  assert.equal(new TextDecoder().decode(b.json), '{"name":"f","data":{"$bin":0}}');
  assert.deepEqual([...b.segments[0]], [1, 2, 3]);
  assert.equal(seenEvent.channel, 'double');
  assert.equal(seenEvent.sender, ipc);
  assert.equal(seenEvent.signal.aborted, false);
});

test('a handler returning nothing answers null', async () => {
  const { ipc, main } = await connectFake();
  ipc.handle('noop', () => {});
  main.writeValue({ kind: FrameKind.Invoke, callId: 1, channel: 'noop' }, []);
  const answer = await main.next();
  assert.equal(answer.kind, FrameKind.Result);
  assert.equal(new TextDecoder().decode(answer.json), 'null');
});

test('a handler that throws or rejects answers an Error with its name, message and stack', async () => {
  const { ipc, main } = await connectFake();
  ipc.handle('sync-throw', () => { throw new TypeError('bad input'); });
  ipc.handle('async-throw', async () => { throw new RangeError('too far'); });
  ipc.handle('throw-string', () => { throw 'plain'; }); // eslint-disable-line no-throw-literal
  main.writeValue({ kind: FrameKind.Invoke, callId: 1, channel: 'sync-throw' }, []);
  main.writeValue({ kind: FrameKind.Invoke, callId: 2, channel: 'async-throw' }, []);
  main.writeValue({ kind: FrameKind.Invoke, callId: 3, channel: 'throw-string' }, []);
  const frames = [await main.next(), await main.next(), await main.next()].sort((x, y) => x.callId - y.callId);
  assert.ok(frames.every((f) => f.kind === FrameKind.Error));
  const [a, b, c] = frames.map(json);
  assert.deepEqual([a.code, a.type, a.message], [ErrorCode.HandlerFailed, 'TypeError', 'bad input']);
  assert.match(a.stack, /TypeError: bad input/);
  assert.deepEqual([b.code, b.type, b.message], [ErrorCode.HandlerFailed, 'RangeError', 'too far']);
  assert.deepEqual([c.code, c.type, c.message], [ErrorCode.HandlerFailed, 'Error', 'plain']);
});

test('no handler answers NoHandler naming the channel; a channel without Handle answers AccessDenied', async () => {
  const { ipc, main } = await connectFake({ welcome: rules([IpcOperation.Handle, 'mine'], [IpcOperation.Receive, 'other']) });
  main.writeValue({ kind: FrameKind.Invoke, callId: 1, channel: 'mine' }, []);
  main.writeValue({ kind: FrameKind.Invoke, callId: 2, channel: 'other' }, []);
  main.writeValue({ kind: FrameKind.InvokeStream, callId: 3, channel: 'mine', portId: 16 }, []);
  const [a, b, c] = [await main.next(), await main.next(), await main.next()];
  assert.deepEqual([a.kind, a.callId], [FrameKind.Error, 1]);
  assert.deepEqual(json(a), { code: ErrorCode.NoHandler, message: "No handler registered for 'mine'" });
  assert.deepEqual([b.kind, b.callId], [FrameKind.Error, 2]);
  assert.deepEqual(json(b), { code: ErrorCode.AccessDenied, operation: IpcOperation.Handle, message: 'Access denied.' });
  assert.deepEqual([c.kind, c.callId, json(c).code], [FrameKind.Error, 3, ErrorCode.NoHandler]);
  ipc.handle('mine', () => 'now');
  main.writeValue({ kind: FrameKind.Invoke, callId: 4, channel: 'mine' }, []);
  assert.equal(value(await main.next()), 'now');
});

test('main\'s Cancel aborts the handler\'s signal; a handler giving up on it answers Cancelled', async () => {
  const { ipc, main } = await connectFake();
  let signal;
  ipc.handle('slow', (event) => {
    signal = event.signal;
    return new Promise((resolve, reject) => {
      event.signal.addEventListener('abort', () => reject(event.signal.reason));
    });
  });
  main.writeValue({ kind: FrameKind.Invoke, callId: 5, channel: 'slow' }, []);
  await settle();
  assert.equal(signal.aborted, false);
  main.write({ kind: FrameKind.Cancel, callId: 5 });
  assert.equal(signal.aborted, true);
  const answer = await main.next();
  assert.deepEqual([answer.kind, answer.callId, json(answer).code], [FrameKind.Error, 5, ErrorCode.Cancelled]);
  // A Cancel for a call that already ended, or never began, is ignored.
  main.write({ kind: FrameKind.Cancel, callId: 5 });
  main.write({ kind: FrameKind.Cancel, callId: 77 });
  assert.deepEqual(await main.drain(), []);
});

test('a result that cannot be sent answers a Serialization error', async () => {
  const { ipc, main } = await connectFake();
  ipc.handle('bad', () => ({ f() {} }));
  main.writeValue({ kind: FrameKind.Invoke, callId: 1, channel: 'bad' }, []);
  const answer = await main.next();
  assert.equal(answer.kind, FrameKind.Error);
  assert.equal(json(answer).code, ErrorCode.Serialization);
});

test('handleOnce answers once; a second handle for a channel throws naming it; removeHandler removes it', async () => {
  const { ipc, main } = await connectFake();
  ipc.handleOnce('one', () => 1);
  assert.throws(() => ipc.handle('one', () => 2), /second handler for 'one'/);
  main.writeValue({ kind: FrameKind.Invoke, callId: 1, channel: 'one' }, []);
  main.writeValue({ kind: FrameKind.Invoke, callId: 2, channel: 'one' }, []);
  assert.equal(value(await main.next()), 1);
  assert.equal(json(await main.next()).code, ErrorCode.NoHandler);
  ipc.handle('two', () => 2);
  ipc.removeHandler('two');
  main.writeValue({ kind: FrameKind.Invoke, callId: 3, channel: 'two' }, []);
  assert.equal(json(await main.next()).code, ErrorCode.NoHandler);
  assert.throws(() => ipc.handle('x', 'not a function'), TypeError);
  assert.throws(() => ipc.on('x', null), TypeError);
});

test('a SendSync or a peer-link request from main is answered with an error, not left hanging', async () => {
  const { main } = await connectFake();
  main.writeValue({ kind: FrameKind.SendSync, callId: 1, channel: 'x' }, []);
  main.writeJson({ kind: FrameKind.PeerListen, callId: 2 }, { peer: 3 });
  main.writeJson({ kind: FrameKind.PortMove, callId: 3 }, { port: 1 });
  const frames = [await main.next(), await main.next(), await main.next()];
  assert.deepEqual(frames.map((f) => [f.kind, f.callId, json(f).code]), [
    [FrameKind.Error, 1, ErrorCode.NoHandler], [FrameKind.Error, 2, ErrorCode.NoHandler], [FrameKind.Error, 3, ErrorCode.NoHandler],
  ]);
});

test('an unknown frame kind, a Ready or a Hello from main is a protocol violation', async () => {
  for (const kind of [99, FrameKind.Ready, FrameKind.Hello]) {
    const { main, socket, connection } = await connectFake();
    main.write({ kind });
    const goodbye = await main.next();
    assert.deepEqual([goodbye.kind, goodbye.callId], [FrameKind.Goodbye, 3], `kind ${kind}`);
    assert.equal(socket.readyState, 3);
    assert.equal(connection.ipcRenderer.isDisconnected, true);
  }
});
