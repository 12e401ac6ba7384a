// Rough throughput of the page client's own work under Node (no socket, no server): `node tests/js/bench.mjs`.
// Not a test: numbers vary with the machine; docs/benchmarks.md has the browser's end-to-end figures.
import { encodeFrame, decodeFrame, encodePayload, decodePayload, FrameKind } from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';
import { connectFake } from './fake-main.mjs';

function measure(name, iterations, body) {
  for (let i = 0; i < Math.min(iterations, 2000); i++) {
    body(i);
  }

  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    body(i);
  }

  const ns = Number(process.hrtime.bigint() - start);
  console.log(`${name.padEnd(58)} ${(ns / iterations / 1000).toFixed(2).padStart(8)} µs/op ${Math.round(iterations / (ns / 1e9)).toString().padStart(10)} ops/s`);
}

const small = ['hello', 42, { a: true }];
measure('encode an Invoke frame, 3 small arguments', 200_000, (i) => {
  const p = encodePayload(small);
  encodeFrame({ kind: FrameKind.Invoke, callId: i + 1, channel: 'app:ping', json: p.json, segments: p.segments });
});

const p = encodePayload(small);
const frame = encodeFrame({ kind: FrameKind.Invoke, callId: 7, channel: 'app:ping', json: p.json, segments: p.segments });
measure('decode an Invoke frame and its arguments', 200_000, () => {
  const f = decodeFrame(frame);
  decodePayload(f.json, f.segments);
});

const mib = new Uint8Array(1024 * 1024);
measure('encode + decode a frame with a 1 MiB binary argument', 2_000, () => {
  const q = encodePayload([mib]);
  const bytes = encodeFrame({ kind: FrameKind.Send, channel: 'blob', json: q.json, segments: q.segments });
  const f = decodeFrame(bytes);
  decodePayload(f.json, f.segments);
});

const { ipc, main, socket } = await connectFake();
socket.sent.length = 0;
main.read = 0;
measure('ipcRenderer.send of 3 small arguments (to the socket)', 200_000, () => {
  ipc.send('app:log', ...small);
  socket.sent.length = 0;
});

const pong = new TextEncoder().encode('"pong"');
let answered = 0;
const rounds = 50_000;
const start = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) {
  const call = ipc.invoke('app:ping', 'x');
  const sent = decodeFrame(socket.sent.pop());
  socket.deliverBytes(encodeFrame({ kind: FrameKind.Result, callId: sent.callId, json: pong }));
  await call;
  answered++;
}

const ns = Number(process.hrtime.bigint() - start);
console.log(`${'invoke round trip through the call table (fake socket)'.padEnd(58)} ${(ns / rounds / 1000).toFixed(2).padStart(8)} µs/op ${Math.round(rounds / (ns / 1e9)).toString().padStart(10)} ops/s`);
process.exit(answered === rounds ? 0 : 1);
