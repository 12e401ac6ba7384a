// An in-process stand-in for main's end of a page's WebSocket: it decodes what the page writes and lets a test
// write frames back, so the client's logic runs without a browser or a server.
import {
  connect, decodeFrame, encodeFrame, encodePayload, decodePayload, FrameKind, PROTOCOL_VERSION,
} from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A WebSocket look-alike: the page's side is the usual API, the test's side is `accept`, `deliver` and `drop`. */
export class FakeSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.binaryType = 'blob';
    this.sent = [];
    this.closedWith = null;
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
    this.waiters = [];
  }

  send(data) {
    if (this.readyState !== 1) {
      throw new Error(`send on a socket in state ${this.readyState}`);
    }

    // Copied, as a real socket would: the page may reuse its buffer.
    const bytes = new Uint8Array(data.byteLength);
    bytes.set(data instanceof Uint8Array ? data : new Uint8Array(data));
    this.sent.push(bytes);
    for (const wake of this.waiters.splice(0)) {
      wake();
    }
  }

  close(code, reason) {
    if (this.readyState >= 2) {
      return;
    }

    this.readyState = 3;
    this.closedWith = { code, reason };
    for (const wake of this.waiters.splice(0)) {
      wake();
    }

    queueMicrotask(() => this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true }));
  }

  // --- the test's side ---

  accept() {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** Delivers raw bytes as one binary message (an ArrayBuffer, as with binaryType "arraybuffer"). */
  deliverBytes(bytes) {
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    this.onmessage?.({ data: copy });
  }

  /** The server side ends the connection. */
  drop(code = 1006, reason = '') {
    if (this.readyState === 3) {
      return;
    }

    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: false });
  }
}

/** Main's side of one fake link: reads the page's frames in order and writes frames to it. */
export class FakeMain {
  constructor(socket) {
    this.socket = socket;
    this.read = 0;
  }

  /** The next frame the page wrote, decoded (waits for it). */
  async next(timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.read >= this.socket.sent.length) {
      if (Date.now() > deadline) {
        throw new Error(`no frame from the page within ${timeoutMs} ms (closed: ${JSON.stringify(this.socket.closedWith)})`);
      }

      await new Promise((resolve) => {
        this.socket.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }

    return decodeFrame(this.socket.sent[this.read++]);
  }

  /** Every frame the page wrote that was not read yet, after letting pending work run. */
  async drain() {
    await settle();
    const frames = [];
    while (this.read < this.socket.sent.length) {
      frames.push(decodeFrame(this.socket.sent[this.read++]));
    }

    return frames;
  }

  write(frame) {
    this.socket.deliverBytes(encodeFrame(frame));
  }

  /** Writes a frame whose payload is `value` encoded as the protocol says (binary as segments). */
  writeValue(frame, value) {
    const payload = encodePayload(value);
    this.write({ ...frame, json: payload.json, segments: payload.segments });
  }

  writeJson(frame, body) {
    this.write({ ...frame, json: encoder.encode(JSON.stringify(body)) });
  }

  send(channel, ...args) {
    this.writeValue({ kind: FrameKind.Send, channel }, args);
  }

  result(callId, value) {
    this.writeValue({ kind: FrameKind.Result, callId }, value);
  }

  error(callId, body) {
    this.writeJson({ kind: FrameKind.Error, callId }, body);
  }
}

export function json(frame) {
  return frame.json.length === 0 ? undefined : JSON.parse(decoder.decode(frame.json));
}

export function value(frame) {
  return decodePayload(frame.json, frame.segments);
}

/** Lets queued microtasks and timers of 0 ms run. */
export function settle() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function welcomeBody(overrides = {}) {
  return { protocol: PROTOCOL_VERSION, endpointId: 7, kind: 1, allowAll: true, rules: [], mainProcessId: 4242, ...overrides };
}

/**
 * Connects a page client to a fake main and completes the handshake (hello, welcome, Ready).
 * @returns {Promise<{ connection, main: FakeMain, socket: FakeSocket, hello: object }>}
 */
export async function connectFake({ welcome = {}, preload, options = {} } = {}) {
  let socket;
  const errors = [];
  const connecting = connect({
    url: 'ws://localhost:5000/ipc',
    token: 'page-token',
    createSocket: (url) => (socket = new FakeSocket(url)),
    onError: (e) => errors.push(e),
    preload,
    ...options,
  });
  socket.accept();
  const main = new FakeMain(socket);
  const hello = await main.next();
  main.writeJson({ kind: FrameKind.Welcome }, welcomeBody(welcome));
  const connection = await connecting;
  const ready = await main.next();
  if (ready.kind !== FrameKind.Ready) {
    throw new Error(`expected Ready, got kind ${ready.kind}`);
  }

  return { connection, ipc: connection.ipcRenderer, main, socket, hello, errors };
}
