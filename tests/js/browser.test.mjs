// The module in a real browser: headless Chromium loads a page that imports ipc-renderer.js and talks to a stand-in
// for main written here (a minimal WebSocket server using the module's own codec). It checks what Node cannot: the
// browser's WebSocket, synchronous XMLHttpRequest, DOMException, meta tags and window. Skipped when no Chromium is found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FrameKind, encodeFrame, decodeFrame, encodePayload, decodePayload, PROTOCOL_VERSION,
} from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';

const moduleSource = readFileSync(new URL('../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js', import.meta.url));

function findChromium() {
  for (const name of [process.env.CHROMIUM_PATH, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (name && spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0) {
      return name;
    }
  }

  return null;
}

const chromium = findChromium();

const PAGE = `<!doctype html>
<html><head><meta name="ipc-bridge-endpoint" content="/ipc"><meta name="ipc-bridge-token" content="TOKEN"></head>
<body><script type="module">
import { connect, IpcMessageChannel, ErrorName } from "/ipc/ipc-renderer.js";
const results = {};
const step = async (name, body) => { try { results[name] = await body(); } catch (e) { results[name] = { failed: String(e && (e.stack || e)) }; } };
try {
  let news = null;
  const doubled = new Promise((resolve) => { window.__doubled = resolve; });
  const { ipcRenderer } = await connect({
    preload(ipc, bridge) {
      bridge.exposeInMainWorld("api", { echo: (v) => ipc.invoke("echo", v), nested: { list: [1] } });
      ipc.on("news", (event, text, bytes) => { news = { text, bytes: Array.from(bytes), isU8: bytes instanceof Uint8Array }; });
      ipc.on("doubled", (event, value) => window.__doubled(value));
      ipc.handle("double", (event, n) => n * 2);
    },
  });
  await step("echo", async () => {
    const back = await window.api.echo({ s: "hi", b: new Uint8Array([1, 2, 3]) });
    return { s: back.s, b: Array.from(back.b), isU8: back.b instanceof Uint8Array };
  });
  await step("frozen", () => ({ api: Object.isFrozen(window.api), nested: Object.isFrozen(window.api.nested.list),
    assignRefused: (() => { try { window.api = 1; return window.api !== 1; } catch { return true; } })() }));
  await step("news", () => news);
  await step("sync", () => ipcRenderer.sendSync("sync-add", 2, 3));
  await step("remoteError", async () => {
    try { await ipcRenderer.invoke("fail"); return "resolved?"; } catch (e) { return { name: e.name, message: e.message, stack: e.stack }; }
  });
  await step("abort", async () => {
    const controller = new AbortController();
    const call = ipcRenderer.invokeWithOptions("never", { signal: controller.signal });
    controller.abort();
    try { await call; return "resolved?"; } catch (e) { return { name: e.name, isDomException: e instanceof DOMException, cancelSeen: await ipcRenderer.invoke("cancel-seen") }; }
  });
  await step("timeout", async () => {
    try { await ipcRenderer.invokeWithOptions("never", { timeout: 50 }); return "resolved?"; } catch (e) { return { name: e.name, message: e.message }; }
  });
  await step("port", async () => {
    const { port1, port2 } = new IpcMessageChannel();
    const reply = new Promise((resolve) => { port1.onmessage = (e) => resolve({ data: e.data, isEvent: e instanceof Event }); });
    ipcRenderer.postMessage("port", "take it", [port2]);
    port1.postMessage("ping");
    let cloneError;
    try { port1.postMessage(1, [port1]); } catch (e) { cloneError = { name: e.name, isDomException: e instanceof DOMException }; }
    return { ...(await reply), cloneError, transferredUnusable: (() => { try { port2.start(); return false; } catch (e) { return e.name; } })() };
  });
  await step("handle", async () => doubled);
  await step("denied", async () => {
    try { ipcRenderer.send("not-allowed"); return "sent?"; } catch (e) { return { name: e.name, message: e.message }; }
  });
} catch (e) {
  results.fatal = String(e && (e.stack || e));
}
await fetch("/result", { method: "POST", body: JSON.stringify(results) });
</script></body></html>`;

/** A stand-in for main: the handshake, a few handlers, a port that answers, and the sendSync route. */
function startMain() {
  const state = { cancelled: new Set(), syncAfter: null, framesRead: 0 };
  let resultResolve;
  const resultPromise = new Promise((resolve) => { resultResolve = resolve; });
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' });
        res.end(PAGE);
      } else if (req.url === '/ipc/ipc-renderer.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end(moduleSource);
      } else if (req.url === '/ipc/sync' && req.method === 'POST') {
        state.syncAfter = req.headers['x-ipcbridge-after'];
        state.syncToken = req.headers['x-ipcbridge-token'];
        const frame = decodeFrame(new Uint8Array(body));
        const [a, b] = decodePayload(frame.json, frame.segments);
        const answer = encodePayload({ sum: a + b, frames: state.framesRead });
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(Buffer.from(encodeFrame({ kind: FrameKind.Result, callId: frame.callId, json: answer.json, segments: answer.segments })).toString('base64'));
      } else if (req.url === '/result') {
        res.writeHead(204);
        res.end();
        resultResolve(JSON.parse(body.toString()));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });

  const sockets = new Set();
  server.on('upgrade', (req, socket) => {
    sockets.add(socket);
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    state.origin = req.headers.origin;
    const send = (frame) => {
      const payload = Buffer.from(encodeFrame(frame));
      const header = payload.length < 126 ? Buffer.from([0x82, payload.length])
        : payload.length < 65536 ? Buffer.from([0x82, 126, payload.length >> 8, payload.length & 0xff])
          : Buffer.concat([Buffer.from([0x82, 127]), Buffer.from(new BigUint64Array([BigInt(payload.length)]).buffer).reverse()]);
      socket.write(Buffer.concat([header, payload]));
    };
    const sendValue = (frame, value) => {
      const p = encodePayload(value);
      send({ ...frame, json: p.json, segments: p.segments });
    };
    let buffered = Buffer.alloc(0);
    let handshakeDone = false;
    let portTarget = null;
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (buffered.length < 2) {
          return;
        }

        const opcode = buffered[0] & 0x0f;
        let length = buffered[1] & 0x7f;
        let at = 2;
        if (length === 126) {
          length = buffered.readUInt16BE(2);
          at = 4;
        } else if (length === 127) {
          length = Number(buffered.readBigUInt64BE(2));
          at = 10;
        }

        if (buffered.length < at + 4 + length) {
          return;
        }

        const mask = buffered.subarray(at, at + 4);
        const data = Buffer.from(buffered.subarray(at + 4, at + 4 + length));
        for (let i = 0; i < data.length; i++) {
          data[i] ^= mask[i % 4];
        }

        buffered = buffered.subarray(at + 4 + length);
        if (opcode === 8) {
          socket.end();
          return;
        }

        if (opcode !== 2) {
          continue;
        }

        const frame = decodeFrame(new Uint8Array(data));
        if (!handshakeDone) {
          const hello = JSON.parse(new TextDecoder().decode(frame.json));
          state.hello = hello;
          handshakeDone = true;
          send({
            kind: FrameKind.Welcome,
            json: new TextEncoder().encode(JSON.stringify({ protocol: PROTOCOL_VERSION, endpointId: 5, kind: 1, allowAll: false, rules: [{ operations: 63, pattern: 'echo' }, { operations: 63, pattern: 'news' }, { operations: 63, pattern: 'doubled' }, { operations: 63, pattern: 'double' }, { operations: 63, pattern: 'sync-add' }, { operations: 63, pattern: 'fail' }, { operations: 63, pattern: 'never' }, { operations: 63, pattern: 'cancel-seen' }, { operations: 63, pattern: 'port' }], mainProcessId: process.pid })),
          });
          continue;
        }

        state.framesRead++;
        const args = frame.json.length ? decodePayload(frame.json, frame.segments) : undefined;
        switch (frame.kind) {
          case FrameKind.Ready:
            state.ready = true;
            sendValue({ kind: FrameKind.Send, channel: 'news' }, ['fresh', new Uint8Array([9, 8])]);
            sendValue({ kind: FrameKind.Invoke, callId: 1, channel: 'double' }, [21]);
            break;
          case FrameKind.Result:
            sendValue({ kind: FrameKind.Send, channel: 'doubled' }, [args]);
            break;
          case FrameKind.Invoke:
            if (frame.channel === 'echo') {
              sendValue({ kind: FrameKind.Result, callId: frame.callId }, args[0]);
            } else if (frame.channel === 'fail') {
              send({ kind: FrameKind.Error, callId: frame.callId, json: new TextEncoder().encode(JSON.stringify({ code: 0, type: 'System.InvalidOperationException', message: 'It broke.', stack: '   at Main.Fail()' })) });
            } else if (frame.channel === 'cancel-seen') {
              sendValue({ kind: FrameKind.Result, callId: frame.callId }, state.cancelled.size > 0);
            }

            break;
          case FrameKind.Cancel:
            state.cancelled.add(frame.callId);
            break;
          case FrameKind.Send:
            if (frame.channel === 'port') {
              portTarget = frame.ports[1];
              state.portMessage = args;
            }

            break;
          case FrameKind.PortMessage:
            sendValue({ kind: FrameKind.PortMessage, portId: portTarget }, `pong: ${args}`);
            break;
          default:
            break;
        }
      }
    });
    socket.on('error', () => {});
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, sockets, port: server.address().port, state, result: resultPromise }));
  });
}

test('the module works in headless Chromium: handshake, invoke, binary, sendSync, errors, abort, ports, handle', { skip: chromium === null ? 'no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)' : false, timeout: 120_000 }, async () => {
  const main = await startMain();
  const profile = mkdtempSync(join(tmpdir(), 'ipc-renderer-chromium-'));
  // Its own process group, so that the browser's helper processes go with it.
  const browser = spawn(chromium, ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, `http://localhost:${main.port}/`], { stdio: 'ignore', detached: true });
  const exited = new Promise((resolve) => browser.once('exit', resolve));
  try {
    let timer;
    const results = await Promise.race([
      main.result,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the page reported nothing within 90 s')), 90_000); }),
    ]).finally(() => clearTimeout(timer));
    assert.equal(results.fatal, undefined, results.fatal);
    assert.deepEqual(main.state.hello, { protocol: 3, token: 'TOKEN', processId: 0, peers: false });
    assert.equal(main.state.origin, `http://localhost:${main.port}`);
    assert.deepEqual(results.echo, { s: 'hi', b: [1, 2, 3], isU8: true });
    assert.deepEqual(results.frozen, { api: true, nested: true, assignRefused: true });
    assert.deepEqual(results.news, { text: 'fresh', bytes: [9, 8], isU8: true });
    assert.equal(results.sync.sum, 5);
    assert.equal(main.state.syncToken, 'TOKEN');
    assert.equal(main.state.syncAfter, String(results.sync.frames), 'the After header counts the frames the page had written');
    assert.equal(results.remoteError.name, 'System.InvalidOperationException');
    assert.equal(results.remoteError.message, 'It broke.');
    assert.equal(results.remoteError.stack, 'System.InvalidOperationException: It broke.\n   at Main.Fail()');
    assert.deepEqual(results.abort, { name: 'AbortError', isDomException: true, cancelSeen: true });
    assert.deepEqual(results.timeout, { name: 'IpcBridge.IpcTimeoutException', message: "No answer on channel 'never' within 50 ms." });
    assert.deepEqual(results.port, { data: 'pong: ping', isEvent: true, cloneError: { name: 'DataCloneError', isDomException: true }, transferredUnusable: 'InvalidStateError' });
    assert.deepEqual(main.state.portMessage, ['take it']);
    assert.equal(results.handle, 42);
    assert.equal(results.denied.name, 'IpcBridge.IpcAccessDeniedException');
    assert.match(results.denied.message, /'not-allowed'/);
  } finally {
    try {
      process.kill(-browser.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }

    await exited;
    for (const socket of main.sockets) {
      socket.destroy();
    }

    main.server.closeAllConnections();
    main.server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
});
