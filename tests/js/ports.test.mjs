// Ports in the page: the web's MessagePort semantics, transfers to and from main, fences, bounded ports and acks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameKind, ErrorName, IpcOperation, IpcMessageChannel, IpcMessagePort, QueueFullMode, encodeQueueLimit,
} from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';
import { connectFake, value, settle } from './fake-main.mjs';

const rules = (...list) => ({ allowAll: false, rules: list.map(([operations, pattern]) => ({ operations, pattern })) });

function collect(port, { start = true } = {}) {
  const got = [];
  port.addEventListener('message', (e) => got.push(e.data));
  if (start) {
    port.start();
  }

  return got;
}

/** The ids of a port, read from the frame that carries it to main. */
async function transferToMain(ipc, main, port, channel = 'port') {
  ipc.postMessage(channel, null, [port]);
  const frame = await main.next();
  assert.equal(frame.kind, FrameKind.Send);
  return { id: frame.ports[0], partnerId: frame.ports[1], limit: frame.ports[2], frame };
}

/** Main sends the page a port (id, partner id, limit) on a Send frame; resolves with the page's port object. */
async function portFromMain(ipc, main, id, partnerId, limit = 0n, channel = 'take') {
  let received;
  ipc.once(channel, (event) => { received = event.ports[0]; });
  main.writeValue({ kind: FrameKind.Send, channel, ports: [id, partnerId, limit] }, [null]);
  assert.ok(received instanceof IpcMessagePort);
  return received;
}

test('ports are not constructible; a channel gives two entangled ports', () => {
  assert.throws(() => new IpcMessagePort(), TypeError);
  const { port1, port2 } = new IpcMessageChannel();
  assert.ok(port1 instanceof IpcMessagePort && port1 instanceof EventTarget);
  assert.notEqual(port1, port2);
  assert.equal(port1.limit, null);
});

test('messages wait until start(); addEventListener does not start the port, as on the web', async () => {
  const { port1, port2 } = new IpcMessageChannel();
  const got = collect(port2, { start: false });
  port1.postMessage('a');
  port1.postMessage({ b: new Uint8Array([1]) });
  await settle();
  assert.deepEqual(got, []);
  port2.start();
  await settle();
  assert.equal(got[0], 'a');
  assert.deepEqual([...got[1].b], [1]);
});

test('setting onmessage starts the port; messages are delivered after postMessage returns, in order', async () => {
  const { port1, port2 } = new IpcMessageChannel();
  const got = [];
  port1.postMessage(1);
  port2.onmessage = (e) => got.push(e.data);
  port1.postMessage(2);
  port1.postMessage(3);
  assert.deepEqual(got, [], 'never inside postMessage');
  await settle();
  assert.deepEqual(got, [1, 2, 3]);
  assert.equal(typeof port2.onmessage, 'function');
  port2.onmessage = null;
  port1.postMessage(4);
  await settle();
  assert.deepEqual(got, [1, 2, 3]);
});

test('a message is a copy: changing the object after posting does not change what arrives', async () => {
  const { port1, port2 } = new IpcMessageChannel();
  const got = collect(port2);
  const msg = { list: [1], bytes: new Uint8Array([1]) };
  port1.postMessage(msg);
  msg.list.push(2);
  msg.bytes[0] = 9;
  await settle();
  assert.deepEqual(got[0].list, [1]);
  assert.deepEqual([...got[0].bytes], [1]);
});

test('close() fires close at the other end only; posting to a closed port is a no-op', async () => {
  const { port1, port2 } = new IpcMessageChannel();
  const events = [];
  port1.addEventListener('close', () => events.push('port1 close'));
  port2.onclose = () => events.push('port2 close');
  const got = collect(port2);
  port1.close();
  port1.close();
  await settle();
  assert.deepEqual(events, ['port2 close']);
  port1.postMessage('ignored');
  port2.postMessage('ignored too');
  await settle();
  assert.deepEqual(got, []);
});

test('messages that arrived before the other end closed are still delivered, then close fires', async () => {
  const { port1, port2 } = new IpcMessageChannel();
  const events = [];
  port2.addEventListener('message', (e) => events.push(e.data));
  port2.addEventListener('close', () => events.push('close'));
  port2.start();
  port1.postMessage('last words');
  port1.close();
  await settle();
  assert.deepEqual(events, ['last words', 'close']);
});

test('a transfer moves a port: the receiver gets a new object, the old one is unusable', async () => {
  const carrier = new IpcMessageChannel();
  const moved = new IpcMessageChannel();
  let arrived;
  carrier.port2.onmessage = (e) => { arrived = e; };
  carrier.port1.postMessage('here', [moved.port1]);
  assert.throws(() => moved.port1.postMessage('x'), (e) => e.name === 'InvalidStateError');
  assert.throws(() => moved.port1.start(), (e) => e.name === 'InvalidStateError');
  await settle();
  assert.equal(arrived.data, 'here');
  const fresh = arrived.ports[0];
  assert.ok(fresh instanceof IpcMessagePort);
  assert.notEqual(fresh, moved.port1);
  const got = collect(moved.port2);
  fresh.postMessage('through the moved port');
  await settle();
  assert.deepEqual(got, ['through the moved port']);
});

test('transfer lists are checked as the web checks them', () => {
  const { port1, port2 } = new IpcMessageChannel();
  const other = new IpcMessageChannel();
  assert.throws(() => port1.postMessage(1, [port1]), (e) => e.name === 'DataCloneError');
  assert.throws(() => port1.postMessage(1, [port2]), (e) => e.name === 'DataCloneError');
  assert.throws(() => port1.postMessage(1, [other.port1, other.port1]), (e) => e.name === 'DataCloneError');
  other.port2.close();
  assert.throws(() => port1.postMessage(1, [other.port2]), (e) => e.name === 'DataCloneError');
  assert.throws(() => port1.postMessage(1, [{}]), TypeError);
  assert.throws(() => port1.postMessage({ p: other.port1 }), (e) => e.name === ErrorName.Serialization);
  // The { transfer } options form works too.
  assert.doesNotThrow(() => port1.postMessage(1, { transfer: [new IpcMessageChannel().port1] }));
});

test('postMessage to main carries the port as (id, partner id, limit); the kept end then talks through the link', async () => {
  const { ipc, main } = await connectFake();
  const { port1, port2 } = new IpcMessageChannel();
  const got = collect(port1);
  ipc.postMessage('port', { hello: 1 }, [port2]);
  const frame = await main.next();
  assert.equal(frame.kind, FrameKind.Send);
  assert.equal(frame.channel, 'port');
  assert.deepEqual(value(frame), [{ hello: 1 }]);
  assert.equal(frame.ports.length, 3);
  const [id, partnerId, limit] = frame.ports;
  assert.equal(typeof id, 'bigint');
  assert.ok(id > 0n && id < (1n << 63n));
  assert.equal(limit, 0n);
  assert.throws(() => port2.postMessage(1), (e) => e.name === 'InvalidStateError');

  // The kept end's messages are addressed to the moved port.
  port1.postMessage('to main', []);
  const message = await main.next();
  assert.deepEqual([message.kind, message.portId, value(message)], [FrameKind.PortMessage, id, 'to main']);

  // Main's messages for the kept end arrive on its id.
  main.writeValue({ kind: FrameKind.PortMessage, portId: partnerId }, { reply: new Uint8Array([5]) });
  await settle();
  assert.deepEqual([...got[0].reply], [5]);

  // Main closing the moved port's side closes the kept end.
  const closed = new Promise((resolve) => port1.addEventListener('close', resolve));
  main.write({ kind: FrameKind.PortClose, portId: partnerId });
  await closed;
});

test('closing the kept end tells main with PortClose for its partner', async () => {
  const { ipc, main } = await connectFake();
  const { port1, port2 } = new IpcMessageChannel();
  const { id } = await transferToMain(ipc, main, port2);
  port1.close();
  const close = await main.next();
  assert.deepEqual([close.kind, close.portId], [FrameKind.PortClose, id]);
});

test('postMessage needs Send on the channel, and Ports as well when it carries ports', async () => {
  const { ipc, main } = await connectFake({ welcome: rules([IpcOperation.Send, 'plain'], [IpcOperation.Send | IpcOperation.Ports, 'with-ports']) });
  const { port2 } = new IpcMessageChannel();
  ipc.postMessage('plain', 1);
  assert.throws(() => ipc.postMessage('plain', 1, [port2]), (e) => e.name === ErrorName.AccessDenied && e.operation === (IpcOperation.Send | IpcOperation.Ports));
  assert.doesNotThrow(() => port2.postMessage('still mine'), 'a refused transfer leaves the port usable');
  ipc.postMessage('with-ports', 2, [port2]);
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => [f.channel, f.ports?.length ?? 0]), [['plain', 0], ['with-ports', 3]]);
});

test('a port from main arrives in event.ports; its messages go to its partner id', async () => {
  const { ipc, main } = await connectFake();
  const port = await portFromMain(ipc, main, 1001n, 2002n);
  const got = collect(port);
  port.postMessage('hi main');
  const frame = await main.next();
  assert.deepEqual([frame.kind, frame.portId, value(frame)], [FrameKind.PortMessage, 2002n, 'hi main']);
  main.writeValue({ kind: FrameKind.PortMessage, portId: 1001n }, 'hi page');
  await settle();
  assert.deepEqual(got, ['hi page']);
});

test('ports on a message the page may not receive are refused: main hears PortClose for their partners', async () => {
  const { ipc, main } = await connectFake({ welcome: rules([IpcOperation.Receive, 'no-ports']) });
  const seen = [];
  ipc.on('no-ports', () => seen.push('ran'));
  main.writeValue({ kind: FrameKind.Send, channel: 'no-ports', ports: [11n, 12n, 0n, 13n, 14n, 0n] }, [1]);
  const frames = await main.drain();
  assert.deepEqual(seen, []);
  assert.deepEqual(frames.map((f) => [f.kind, f.portId]), [[FrameKind.PortClose, 12n], [FrameKind.PortClose, 14n]]);
});

test('ports on a message no listener takes close at once: main hears PortClose for their partners', async () => {
  const { ipc, main } = await connectFake();
  const seen = [];
  ipc.on('heard', (event) => seen.push(event.ports.length));
  main.writeValue({ kind: FrameKind.Send, channel: 'nobody-listening', ports: [31n, 32n, 0n] }, [1]);
  main.writeValue({ kind: FrameKind.Send, channel: 'heard', ports: [41n, 42n, 0n] }, [2]);
  main.writeValue({ kind: FrameKind.Send, channel: 'heard' }, [3]);
  const frames = await main.drain();
  assert.deepEqual(seen, [1, 0]);
  assert.deepEqual(frames.map((f) => [f.kind, f.portId]), [[FrameKind.PortClose, 32n]], 'the port a listener took stays open');
});

test('a port frame for a port the page never held is dropped, its carried ports refused', async () => {
  const { main, socket } = await connectFake();
  main.writeValue({ kind: FrameKind.PortMessage, portId: 555n, ports: [20n, 21n, 0n] }, 'stray');
  main.write({ kind: FrameKind.PortClose, portId: 556n });
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => [f.kind, f.portId]), [[FrameKind.PortClose, 21n]]);
  assert.equal(socket.readyState, 1);
});

test('messages queued in a port follow it when it is transferred back to main, after the frame that carries it', async () => {
  const { ipc, main } = await connectFake();
  const port = await portFromMain(ipc, main, 1001n, 2002n);
  main.writeValue({ kind: FrameKind.PortMessage, portId: 1001n }, 'queued 1');
  main.writeValue({ kind: FrameKind.PortMessage, portId: 1001n }, { queued: new Uint8Array([2]) });
  ipc.postMessage('give-back', 'here it is', [port]);
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => f.kind), [FrameKind.Send, FrameKind.PortMessage, FrameKind.PortMessage]);
  assert.deepEqual(frames[0].ports, [1001n, 2002n, 0n]);
  assert.deepEqual([frames[1].portId, value(frames[1])], [1001n, 'queued 1']);
  assert.equal(frames[2].portId, 1001n);
  assert.deepEqual([...value(frames[2]).queued], [2]);
});

test('frames still arriving for a port the page handed on go back the way it went', async () => {
  const { ipc, main } = await connectFake();
  const port = await portFromMain(ipc, main, 1001n, 2002n);
  ipc.postMessage('give-back', null, [port]);
  await main.drain();
  main.writeValue({ kind: FrameKind.PortMessage, portId: 1001n }, 'in flight');
  main.write({ kind: FrameKind.PortFence, portId: 1001n });
  main.write({ kind: FrameKind.PortAck, portId: 1001n, callId: 3 });
  const frames = await main.drain();
  assert.deepEqual(frames.map((f) => [f.kind, f.portId]), [
    [FrameKind.PortMessage, 1001n], [FrameKind.PortFence, 1001n], [FrameKind.PortAck, 1001n],
  ]);
  assert.equal(value(frames[0]), 'in flight');
  assert.equal(frames[2].callId, 3);
});

test('a port sent over another port carries its triple in the PortMessage', async () => {
  const { ipc, main } = await connectFake();
  const carrier = await portFromMain(ipc, main, 1001n, 2002n);
  const { port1, port2 } = new IpcMessageChannel();
  carrier.postMessage('take this', [port2]);
  const frame = await main.next();
  assert.equal(frame.kind, FrameKind.PortMessage);
  assert.equal(frame.portId, 2002n);
  assert.equal(frame.ports.length, 3);
  const movedId = frame.ports[0];
  port1.postMessage('via main');
  const next = await main.next();
  assert.deepEqual([next.kind, next.portId, value(next)], [FrameKind.PortMessage, movedId, 'via main']);
});

test('a port main sends over a port arrives in the message event\'s ports', async () => {
  const { ipc, main } = await connectFake();
  const carrier = await portFromMain(ipc, main, 1001n, 2002n);
  let event;
  carrier.onmessage = (e) => { event = e; };
  main.writeValue({ kind: FrameKind.PortMessage, portId: 1001n, ports: [3003n, 4004n, 0n] }, 'with a port');
  await settle();
  assert.equal(event.data, 'with a port');
  assert.equal(event.ports.length, 1);
  event.ports[0].postMessage('ping');
  const frame = await main.next();
  assert.deepEqual([frame.portId, value(frame)], [4004n, 'ping']);
});

test('when both ends meet in the page again, a fence keeps what was in flight through main ahead of new messages', async () => {
  const { ipc, main } = await connectFake();
  const { port1, port2 } = new IpcMessageChannel();
  const { id, partnerId } = await transferToMain(ipc, main, port2);
  port1.postMessage('m1');
  const m1 = await main.next();
  assert.deepEqual([m1.portId, value(m1)], [id, 'm1']);

  // Main sends the port back before m1 reached it; m1 will come back after.
  const back = await portFromMain(ipc, main, id, partnerId);
  const fence = await main.next();
  assert.deepEqual([fence.kind, fence.portId], [FrameKind.PortFence, id]);
  const got = collect(back);
  port1.postMessage('m2');
  await settle();
  assert.deepEqual(got, [], 'm2 waits for the fence');
  main.writeValue({ kind: FrameKind.PortMessage, portId: id }, 'm1');
  await settle();
  assert.deepEqual(got, ['m1']);
  main.write({ kind: FrameKind.PortFence, portId: id });
  await settle();
  assert.deepEqual(got, ['m1', 'm2']);

  // From now on the two ends talk directly.
  port1.postMessage('m3');
  await settle();
  assert.deepEqual(got, ['m1', 'm2', 'm3']);
  assert.deepEqual(await main.drain(), []);
});

test('a bounded port under Wait sends at most capacity unacknowledged messages; PortAck lets the rest go, in order', async () => {
  const { ipc, main } = await connectFake();
  const { port1, port2 } = new IpcMessageChannel({ capacity: 2, fullMode: QueueFullMode.Wait });
  const { id, partnerId, limit } = await transferToMain(ipc, main, port2);
  assert.equal(limit, BigInt(encodeQueueLimit({ capacity: 2, fullMode: QueueFullMode.Wait })));
  for (let i = 1; i <= 5; i++) {
    port1.postMessage(i);
  }

  let frames = await main.drain();
  assert.deepEqual(frames.map(value), [1, 2]);
  assert.equal(port1.waitingCount, 3);

  // Credit for port1's messages is addressed to port1 itself: the partner of the port main holds.
  main.write({ kind: FrameKind.PortAck, portId: partnerId, callId: 1 });
  frames = await main.drain();
  assert.deepEqual(frames.map(value), [3]);
  main.write({ kind: FrameKind.PortAck, portId: partnerId, callId: 2 });
  frames = await main.drain();
  assert.deepEqual(frames.map(value), [4, 5]);
  assert.ok(frames.every((f) => f.portId === id));
  assert.equal(port1.waitingCount, 0);
  port1.postMessage(6);
  assert.deepEqual(await main.drain(), [], 'two sent, none acknowledged: the sixth waits');
  assert.equal(port1.waitingCount, 1);
});

test('bounded ports: DropNewest drops and counts, Fail throws IpcQueueFullException', async () => {
  const { ipc, main } = await connectFake();
  const dropping = new IpcMessageChannel({ capacity: 1, fullMode: QueueFullMode.DropNewest });
  const failing = new IpcMessageChannel({ capacity: 1, fullMode: QueueFullMode.Fail });
  await transferToMain(ipc, main, dropping.port2);
  await transferToMain(ipc, main, failing.port2);
  dropping.port1.postMessage('kept');
  dropping.port1.postMessage('dropped');
  assert.equal(dropping.port1.droppedCount, 1);
  failing.port1.postMessage('first');
  assert.throws(() => failing.port1.postMessage('second'), (e) => e.name === ErrorName.QueueFull);
  const frames = await main.drain();
  assert.deepEqual(frames.map(value), ['kept', 'first']);
});

test('a bounded receiver acknowledges handled messages in batches of capacity / 2, and when its queue empties', async () => {
  const { ipc, main } = await connectFake();
  const limit = BigInt(encodeQueueLimit({ capacity: 4, fullMode: QueueFullMode.Wait }));
  const port = await portFromMain(ipc, main, 1001n, 2002n, limit);
  assert.deepEqual(port.limit, { capacity: 4, fullMode: QueueFullMode.Wait });
  for (let i = 0; i < 3; i++) {
    main.writeValue({ kind: FrameKind.PortMessage, portId: 1001n }, i);
  }

  assert.deepEqual(await main.drain(), [], 'nothing handled, nothing acknowledged');
  const got = collect(port);
  await settle();
  assert.deepEqual(got, [0, 1, 2]);
  const acks = await main.drain();
  assert.deepEqual(acks.map((f) => [f.kind, f.portId, f.callId]), [[FrameKind.PortAck, 2002n, 2], [FrameKind.PortAck, 2002n, 1]]);
});

test('DropOldest is enforced by the receiver: the oldest waiting message goes, and no acks are sent', async () => {
  const { ipc, main } = await connectFake();
  const limit = BigInt(encodeQueueLimit({ capacity: 2, fullMode: QueueFullMode.DropOldest }));
  const port = await portFromMain(ipc, main, 1001n, 2002n, limit);
  for (const m of ['a', 'b', 'c']) {
    main.writeValue({ kind: FrameKind.PortMessage, portId: 1001n }, m);
  }

  const got = collect(port);
  await settle();
  assert.deepEqual(got, ['b', 'c']);
  assert.equal(port.droppedCount, 1);
  assert.deepEqual(await main.drain(), []);
});

test('a bounded pair inside the page acknowledges directly, so a Wait sender drains as the receiver handles', async () => {
  const { port1, port2 } = new IpcMessageChannel({ capacity: 1, fullMode: QueueFullMode.Wait });
  const got = [];
  port2.onmessage = (e) => got.push(e.data);
  for (let i = 0; i < 4; i++) {
    port1.postMessage(i);
  }

  assert.equal(port1.waitingCount, 3);
  for (let i = 0; i < 10 && got.length < 4; i++) {
    await settle();
  }

  assert.deepEqual(got, [0, 1, 2, 3]);
  assert.equal(port1.waitingCount, 0);
});

test('when the link ends, ports whose partners lay behind it close; pairs inside the page carry on', async () => {
  const { ipc, main, socket } = await connectFake();
  const fromMain = await portFromMain(ipc, main, 1001n, 2002n);
  const local = new IpcMessageChannel();
  const events = [];
  fromMain.addEventListener('close', () => events.push('fromMain closed'));
  local.port2.addEventListener('close', () => events.push('local closed'));
  const got = collect(local.port2);
  socket.drop(1006);
  await settle();
  assert.deepEqual(events, ['fromMain closed']);
  fromMain.postMessage('nowhere');
  local.port1.postMessage('still works');
  await settle();
  assert.deepEqual(got, ['still works']);
});

test('main transferring a port the page already holds is a protocol violation', async () => {
  const { ipc, main, socket } = await connectFake();
  await portFromMain(ipc, main, 1001n, 2002n);
  const seen = [];
  ipc.on('again', () => seen.push('ran'));
  main.writeValue({ kind: FrameKind.Send, channel: 'again', ports: [1001n, 2002n, 0n] }, [null]);
  const goodbye = await main.next();
  assert.deepEqual([goodbye.kind, goodbye.callId], [FrameKind.Goodbye, 3]);
  assert.equal(socket.readyState, 3);
  assert.deepEqual(seen, []);
});

test('a message too large to send leaves the ports of its transfer list where they were', async () => {
  const { ipc, main } = await connectFake({ options: { maxFrameSize: 1024 } });
  const { port1, port2 } = new IpcMessageChannel();
  assert.throws(() => ipc.postMessage('port', new Uint8Array(4096), [port2]), (e) => e.name === ErrorName.Serialization);
  const got = collect(port2);
  port1.postMessage('still entangled');
  await settle();
  assert.deepEqual(got, ['still entangled']);
  assert.deepEqual(await main.drain(), []);
});
