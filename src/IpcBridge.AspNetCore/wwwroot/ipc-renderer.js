// ipc-renderer.js: a web page as an IpcBridge renderer.
//
// A dependency-free ES module that gives a page Electron's renderer API (ipcRenderer, contextBridge, MessagePort-like
// ports) over IpcBridge's own frames (docs/protocol.md), carried one frame per binary WebSocket message
// (docs/web.md). Nothing here touches the DOM when the module is imported, so it also runs under Node for tests.

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = 3;

/** Frame kinds; the numbers are part of the wire format. */
export const FrameKind = Object.freeze({
  Send: 1,
  SendSync: 2,
  Invoke: 3,
  Result: 4,
  Error: 5,
  Cancel: 6,
  PortMessage: 7,
  PortClose: 8,
  PortAck: 9,
  Goodbye: 10,
  PeerListen: 11,
  PeerConnect: 12,
  PortMove: 13,
  PortFence: 14,
  InvokeStream: 15,
  StreamItem: 16,
  StreamCredit: 17,
  Ready: 18,
  Hello: 0x40,
  Welcome: 0x41,
  Refused: 0x42,
});

/** The operations an allowlist grants per channel (flags, as IpcBridge.IpcOperation). */
export const IpcOperation = Object.freeze({
  None: 0,
  Send: 1,
  SendSync: 2,
  Invoke: 4,
  Receive: 8,
  Ports: 16,
  Handle: 32,
  All: 63,
});

/** Why a call failed, as carried in an error body's `code`. */
export const ErrorCode = Object.freeze({
  HandlerFailed: 0,
  NoHandler: 1,
  AccessDenied: 2,
  Serialization: 3,
  LimitExceeded: 4,
  Cancelled: 5,
});

/** Why a link ended, as carried by a Goodbye frame. */
export const DisconnectReason = Object.freeze({
  LocalClosed: 0,
  RemoteClosed: 1,
  MainDisposed: 2,
  ProtocolViolation: 3,
  StreamFailed: 4,
});

/** What a bounded port does when its receiver is full. */
export const QueueFullMode = Object.freeze({ Wait: 0, DropOldest: 1, DropNewest: 2, Fail: 3 });

/** The `name` of every error this module raises for IpcBridge's own failures: the .NET exception's full type name. */
export const ErrorName = Object.freeze({
  Ipc: 'IpcBridge.IpcException',
  AccessDenied: 'IpcBridge.IpcAccessDeniedException',
  Invocation: 'IpcBridge.IpcInvocationException',
  Timeout: 'IpcBridge.IpcTimeoutException',
  Disconnected: 'IpcBridge.IpcDisconnectedException',
  Serialization: 'IpcBridge.IpcSerializationException',
  QueueFull: 'IpcBridge.IpcQueueFullException',
  Protocol: 'IpcBridge.IpcProtocolException',
  Cancelled: 'System.OperationCanceledException',
});

const TRACE_FLAG = 0x80;
const TRACE_SIZE = 16 + 8 + 1;
const LENGTH_PREFIX = 4;
const MAX_U64 = (1n << 64n) - 1n;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const DEFAULT_MAX_FRAME_SIZE = 64 * 1024 * 1024;
const MAX_CAPACITY = 0x7fffffff >> 4;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const hasOwn = Object.prototype.hasOwnProperty;

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/**
 * An IpcBridge failure. `name` is the .NET exception's full type name (for a remote handler's failure, the type it
 * threw, e.g. `System.InvalidOperationException`); extra fields say more (`channel`, `code`, `operation`, `reason`,
 * `remoteType`, `remoteStack`).
 */
export class IpcError extends Error {
  constructor(name, message, fields) {
    super(message);
    Object.defineProperty(this, 'name', { value: name, writable: true, configurable: true, enumerable: false });
    if (fields) {
      Object.assign(this, fields);
    }

    // The stack's first line was written with the base class's name; say the real one.
    if (typeof this.stack === 'string' && this.stack.startsWith('Error')) {
      this.stack = `${name}${this.stack.slice('Error'.length)}`;
    }
  }
}

function protocolError(what) {
  return new IpcError(ErrorName.Protocol, `Malformed frame: ${what}.`);
}

function serializationError(message) {
  return new IpcError(ErrorName.Serialization, message);
}

function operationName(operation) {
  if (operation === IpcOperation.All) {
    return 'All';
  }

  const names = [];
  for (const [name, bit] of Object.entries(IpcOperation)) {
    if (bit !== 0 && bit !== IpcOperation.All && (operation & bit) === bit) {
      names.push(name);
    }
  }

  return names.length === 0 ? 'None' : names.join(', ');
}

function accessDenied(channel, operation) {
  return new IpcError(
    ErrorName.AccessDenied,
    `The channel allowlist does not permit ${operationName(operation)} on channel '${channel}'.`,
    { channel, operation, code: 'AccessDenied' });
}

function timeoutError(channel, limit) {
  return new IpcError(ErrorName.Timeout, `No answer on channel '${channel}' within ${Math.round(limit)} ms.`, { channel, timeout: limit });
}

function disconnectedError(message, reason) {
  return new IpcError(ErrorName.Disconnected, message, { reason, reasonName: reasonName(reason) });
}

function reasonName(reason) {
  for (const [name, value] of Object.entries(DisconnectReason)) {
    if (value === reason) {
      return name;
    }
  }

  return `Reason${reason}`;
}

function dataCloneError(message) {
  // The web raises a DOMException named DataCloneError for an untransferable port; keep that name where DOMException exists.
  return typeof DOMException === 'function' ? new DOMException(message, 'DataCloneError') : new IpcError('DataCloneError', message);
}

function invalidStateError(message) {
  return typeof DOMException === 'function' ? new DOMException(message, 'InvalidStateError') : new IpcError('InvalidStateError', message);
}

/** Turns an error body from main into the Error a caller receives. */
export function errorFromBody(channel, body) {
  const message = typeof body.message === 'string' ? body.message : '';
  switch (body.code) {
    case ErrorCode.AccessDenied: {
      const error = accessDenied(channel, typeof body.operation === 'number' ? body.operation : IpcOperation.None);
      error.remoteMessage = message;
      return error;
    }

    case ErrorCode.NoHandler:
      return new IpcError(ErrorName.Invocation, message.includes(channel) ? message : `${message} (channel '${channel}')`, { channel, code: 'NoHandler' });
    case ErrorCode.Serialization:
      return new IpcError(ErrorName.Serialization, `Serialization failed at the other end of channel '${channel}': ${message}`, { channel, code: 'Serialization' });
    case ErrorCode.LimitExceeded:
      return new IpcError(ErrorName.QueueFull, `The receiver on channel '${channel}' refused the call: ${message}`, { channel, code: 'LimitExceeded' });
    case ErrorCode.Cancelled:
      return new IpcError(ErrorName.Cancelled, `The handler for '${channel}' was cancelled: ${message}`, { channel, code: 'Cancelled' });
    default: {
      const name = typeof body.type === 'string' && body.type.length > 0 ? body.type : ErrorName.Invocation;
      const remoteStack = typeof body.stack === 'string' ? body.stack : undefined;
      const error = new IpcError(name, message, { channel, code: 'HandlerFailed', remoteType: body.type ?? null, remoteMessage: message, remoteStack });
      error.stack = remoteStack ? `${name}: ${message}\n${remoteStack}` : `${name}: ${message}`;
      return error;
    }
  }
}

/** Turns what a handler or preload threw into an error body for main. */
export function bodyFromError(thrown, code = ErrorCode.HandlerFailed) {
  if (thrown instanceof Error || (thrown !== null && typeof thrown === 'object' && typeof thrown.message === 'string')) {
    return { code, message: String(thrown.message), type: String(thrown.name || 'Error'), stack: typeof thrown.stack === 'string' ? thrown.stack : undefined };
  }

  return { code, message: String(thrown), type: 'Error' };
}

// ---------------------------------------------------------------------------------------------------------------
// Varints and frames
// ---------------------------------------------------------------------------------------------------------------

function checkVarintValue(value) {
  if (typeof value === 'bigint') {
    if (value < 0n || value > MAX_U64) {
      throw new RangeError(`${value} does not fit an unsigned 64-bit varint.`);
    }
  } else if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${value} is not a non-negative safe integer; pass a BigInt for larger values.`);
  }
}

/** The number of bytes `value` (a non-negative safe integer or a BigInt below 2^64) takes as a varint. */
export function varintSize(value) {
  if (typeof value === 'number' && value >= 0 && value < 0x80 && Number.isInteger(value)) {
    return 1;
  }

  checkVarintValue(value);
  let size = 1;
  if (typeof value === 'bigint') {
    while (value >= 0x80n) {
      value >>= 7n;
      size++;
    }
  } else {
    while (value >= 0x80) {
      value = Math.floor(value / 0x80);
      size++;
    }
  }

  return size;
}

function writeVarint(bytes, at, value) {
  if (typeof value === 'number' && value < 0x80) {
    bytes[at] = value;
    return at + 1;
  }

  if (typeof value === 'bigint') {
    while (value >= 0x80n) {
      bytes[at++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }

    bytes[at++] = Number(value);
    return at;
  }

  while (value >= 0x80) {
    bytes[at++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }

  bytes[at++] = value;
  return at;
}

/** Writes `value` as an unsigned LEB128 varint; returns the bytes. */
export function encodeVarint(value) {
  const bytes = new Uint8Array(varintSize(value));
  writeVarint(bytes, 0, value);
  return bytes;
}

/**
 * Reads a varint at `reader.at` (advancing it, never past `reader.end`). Returns a Number when the value is a safe
 * integer, else a BigInt.
 */
function readVarint(reader) {
  const bytes = reader.bytes;
  const start = reader.at;
  for (let i = 0; ; i++) {
    if (reader.at >= reader.end) {
      throw protocolError('a truncated frame header');
    }

    const b = bytes[reader.at++];
    if (i === 9 && b > 1) {
      throw protocolError('a varint longer than 64 bits');
    }

    if ((b & 0x80) === 0) {
      break;
    }
  }

  const count = reader.at - start;
  if (count <= 7) {
    let value = 0;
    for (let j = count - 1; j >= 0; j--) {
      value = (value * 0x80) + (bytes[start + j] & 0x7f);
    }

    return value;
  }

  let big = 0n;
  for (let j = count - 1; j >= 0; j--) {
    big = (big << 7n) | BigInt(bytes[start + j] & 0x7f);
  }

  return big <= MAX_SAFE_BIG ? Number(big) : big;
}

/** Reads one varint from `bytes` at `offset`: `{ value, next }`. Throws a protocol error on truncated or oversized input. */
export function decodeVarint(bytes, offset = 0) {
  const reader = { bytes, at: offset, end: bytes.length };
  const value = readVarint(reader);
  return { value, next: reader.at };
}

function smallCount(value, what) {
  if (typeof value === 'bigint') {
    throw protocolError(what);
  }

  return value;
}

/**
 * Encodes a frame, length prefix included, exactly as docs/protocol.md lays it out:
 * `u32le length | kind | [trace] | callId | portId | channel | ports | binary lengths | JSON | segments`.
 * @param {object} frame `{ kind, callId?, portId?, channel?, ports?, json?, segments?, trace? }`; ids may be Numbers or BigInts;
 *   `ports` is a flat list of (id, partner id, limit) triples; `json` the UTF-8 payload bytes; `segments` the binary segments.
 * @returns {Uint8Array}
 */
export function encodeFrame(frame) {
  const callId = frame.callId ?? 0;
  const portId = frame.portId ?? 0;
  const channel = frame.channel ? channelBytes(frame.channel) : EMPTY;
  const ports = frame.ports ?? EMPTY_LIST;
  const segments = frame.segments ?? EMPTY_LIST;
  const json = frame.json ?? EMPTY;
  const trace = frame.trace ?? null;
  if (!Number.isInteger(frame.kind) || frame.kind < 0 || frame.kind > 0x7f) {
    throw new RangeError(`Frame kind ${frame.kind} is not 0..127.`);
  }

  if (ports.length % 3 !== 0) {
    throw new RangeError('Ports travel as (id, partner id, limit) triples.');
  }

  if (trace !== null && trace.length !== TRACE_SIZE) {
    throw new RangeError(`A trace context is ${TRACE_SIZE} bytes.`);
  }

  let size = 1 + (trace ? TRACE_SIZE : 0) + varintSize(callId) + varintSize(portId) + varintSize(channel.length) + channel.length;
  size += varintSize(ports.length);
  for (let i = 0; i < ports.length; i++) {
    size += varintSize(ports[i]);
  }

  size += varintSize(segments.length);
  let binary = 0;
  for (let i = 0; i < segments.length; i++) {
    size += varintSize(segments[i].byteLength);
    binary += segments[i].byteLength;
  }

  size += json.length + binary;
  if (size > 0xffffffff) {
    throw serializationError(`A frame of ${size} bytes is beyond the protocol's limit.`);
  }

  const bytes = new Uint8Array(LENGTH_PREFIX + size);
  bytes[0] = size & 0xff;
  bytes[1] = (size >>> 8) & 0xff;
  bytes[2] = (size >>> 16) & 0xff;
  bytes[3] = (size >>> 24) & 0xff;
  let at = LENGTH_PREFIX;
  if (trace) {
    bytes[at++] = frame.kind | TRACE_FLAG;
    bytes.set(trace, at);
    at += TRACE_SIZE;
  } else {
    bytes[at++] = frame.kind;
  }

  at = writeVarint(bytes, at, callId);
  at = writeVarint(bytes, at, portId);
  at = writeVarint(bytes, at, channel.length);
  bytes.set(channel, at);
  at += channel.length;
  at = writeVarint(bytes, at, ports.length);
  for (let i = 0; i < ports.length; i++) {
    at = writeVarint(bytes, at, ports[i]);
  }

  at = writeVarint(bytes, at, segments.length);
  for (let i = 0; i < segments.length; i++) {
    at = writeVarint(bytes, at, segments[i].byteLength);
  }

  bytes.set(json, at);
  at += json.length;
  for (let i = 0; i < segments.length; i++) {
    bytes.set(segments[i], at);
    at += segments[i].byteLength;
  }

  return bytes;
}

// Channel names repeat: their UTF-8 bytes are kept for the most used ones rather than encoded for every frame.
const channelCache = new Map();
const CHANNEL_CACHE_LIMIT = 512;

function channelBytes(channel) {
  let bytes = channelCache.get(channel);
  if (bytes === undefined) {
    bytes = utf8Encoder.encode(channel);
    if (channelCache.size >= CHANNEL_CACHE_LIMIT) {
      channelCache.clear();
    }

    channelCache.set(channel, bytes);
  }

  return bytes;
}

/**
 * Decodes one whole frame from `data` (an ArrayBuffer or Uint8Array holding exactly one frame, length prefix
 * included). Port ids come back as BigInts; `json` and `segments` are views on `data`.
 * @throws {IpcError} named `IpcBridge.IpcProtocolException` when the bytes are not exactly one valid frame.
 */
export function decodeFrame(data, maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < LENGTH_PREFIX) {
    throw protocolError(`${bytes.length} bytes, fewer than a length prefix`);
  }

  const length = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
  if (length === 0 || length > maxFrameSize) {
    throw protocolError(`a frame of ${length} bytes (the limit is ${maxFrameSize})`);
  }

  if (bytes.length - LENGTH_PREFIX !== length) {
    throw protocolError(`a message of ${bytes.length} bytes whose length prefix says ${length} + ${LENGTH_PREFIX}`);
  }

  return decodeFrameBody(bytes.subarray(LENGTH_PREFIX));
}

/** Decodes a frame's body (everything after the length prefix). */
export function decodeFrameBody(bytes) {
  const reader = { bytes, at: 0, end: bytes.length };
  if (bytes.length === 0) {
    throw protocolError('an empty frame');
  }

  const kindByte = bytes[reader.at++];
  const kind = kindByte & ~TRACE_FLAG;
  let trace = null;
  if ((kindByte & TRACE_FLAG) !== 0) {
    if (reader.end - reader.at < TRACE_SIZE) {
      throw protocolError('a truncated trace context');
    }

    // A page keeps no traces: the context is skipped, kept only so a frame passed on carries it unchanged.
    trace = bytes.subarray(reader.at, reader.at + TRACE_SIZE);
    reader.at += TRACE_SIZE;
  }

  const callId = readVarint(reader);
  const portId = readVarint(reader);
  const channelLength = readVarint(reader);
  if (typeof channelLength === 'bigint' || channelLength > reader.end - reader.at) {
    throw protocolError('a channel name longer than its frame');
  }

  let channel = '';
  if (channelLength > 0) {
    channel = readChannel(bytes, reader.at, channelLength);
  }

  reader.at += channelLength;
  const portCount = readVarint(reader);
  if (typeof portCount === 'bigint' || portCount > reader.end - reader.at) {
    throw protocolError('more ports than bytes in its frame');
  }

  if (portCount % 3 !== 0) {
    throw protocolError('a port list that is not whole (id, partner, limit) triples');
  }

  let ports = null;
  if (portCount > 0) {
    ports = new Array(portCount);
    for (let i = 0; i < portCount; i++) {
      const v = readVarint(reader);
      ports[i] = typeof v === 'bigint' ? v : BigInt(v);
    }
  }

  const binaryCount = readVarint(reader);
  if (typeof binaryCount === 'bigint' || binaryCount > reader.end - reader.at) {
    throw protocolError('more binary segments than bytes in its frame');
  }

  const lengths = new Array(binaryCount);
  let binary = 0;
  for (let i = 0; i < binaryCount; i++) {
    const n = smallCount(readVarint(reader), 'a binary segment longer than its frame');
    lengths[i] = n;
    binary += n;
  }

  const rest = reader.end - reader.at;
  if (binary > rest) {
    throw protocolError(`binary segments of ${binary} bytes in the ${rest} bytes left of the frame`);
  }

  const jsonEnd = reader.end - binary;
  const json = bytes.subarray(reader.at, jsonEnd);
  const segments = new Array(binaryCount);
  let at = jsonEnd;
  for (let i = 0; i < binaryCount; i++) {
    segments[i] = bytes.subarray(at, at + lengths[i]);
    at += lengths[i];
  }

  return { kind, callId, portId: typeof portId === 'bigint' ? portId : BigInt(portId), channel, ports, json, segments, trace };
}

function readChannel(bytes, at, length) {
  // Channel names are short and nearly always ASCII: those are read without a trip through TextDecoder.
  if (length <= 64) {
    let ascii = true;
    for (let i = at; i < at + length; i++) {
      if (bytes[i] >= 0x80) {
        ascii = false;
        break;
      }
    }

    if (ascii) {
      return String.fromCharCode.apply(null, bytes.subarray(at, at + length));
    }
  }

  try {
    return utf8Decoder.decode(bytes.subarray(at, at + length));
  } catch {
    throw protocolError('a channel name that is not UTF-8');
  }
}

const EMPTY = new Uint8Array(0);
const EMPTY_LIST = Object.freeze([]);

// ---------------------------------------------------------------------------------------------------------------
// Payloads: JSON with binary segments
// ---------------------------------------------------------------------------------------------------------------

function isBinary(value) {
  return value !== null && typeof value === 'object' && isBinaryObject(value);
}

function isBinaryObject(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value) ||
    (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);
}

function asBytes(value) {
  return ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
}

function describe(value) {
  if (typeof value === 'function') {
    return 'a function';
  }

  if (typeof value === 'symbol') {
    return 'a symbol';
  }

  if (typeof value === 'bigint') {
    return 'a BigInt';
  }

  return `a ${value?.constructor?.name ?? 'value'}`;
}

/**
 * Encodes a value as a payload: `{ json: Uint8Array, segments: Uint8Array[] }`. Binary values (ArrayBuffer, any
 * typed array or DataView) become `{"$bin":N}` with their bytes in segment N. Values that cannot cross to .NET
 * (functions, symbols, BigInts, ports outside a transfer list, Maps, Sets, Promises, Blobs, cycles) throw an error named
 * `IpcBridge.IpcSerializationException` before anything is sent. `undefined` alone encodes as `null`.
 */
export function encodePayload(value, what = 'The value') {
  if (isPlainJson(value, 0)) {
    // Nothing binary and nothing to refuse: JSON.stringify alone, without a call back into script for every value.
    return { json: utf8Encoder.encode(JSON.stringify(value === undefined ? null : value)), segments: EMPTY_LIST };
  }

  const segments = [];
  let text;
  try {
    text = JSON.stringify(value === undefined ? null : value, function replace(key, v) {
      const type = typeof v;
      if (v === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined') {
        return v;
      }

      if (type === 'object') {
        // The holder's own value, before any toJSON: a Node Buffer's toJSON would turn it into a list of numbers.
        const raw = this[key];
        if (isBinary(raw)) {
          segments.push(asBytes(raw));
          return { $bin: segments.length - 1 };
        }

        if (Array.isArray(v)) {
          return v;
        }

        if (isPlainData(v)) {
          if (hasOwn.call(v, '$bin') && Object.keys(v).length === 1) {
            throw serializationError(`${what} holds an object whose only property is "$bin"; that shape is reserved for binary values.`);
          }

          return v;
        }
      }

      const where = key === '' ? '' : ` at "${key}"`;
      if (v instanceof IpcMessagePort) {
        throw serializationError(`${what} holds a port${where}: ports travel only in the transfer list, and arrive in event.ports.`);
      }

      throw serializationError(`${what} could not be cloned: ${describe(v)}${where} cannot be sent to main.`);
    });
  } catch (error) {
    if (error instanceof IpcError) {
      throw error;
    }

    throw serializationError(`${what} could not be serialized: ${error.message}`);
  }

  return { json: utf8Encoder.encode(text), segments };
}

/** Whether `v` is made only of JSON's own values: plain objects, arrays, strings, numbers, booleans, null. */
function isPlainJson(v, depth) {
  if (v === null) {
    return true;
  }

  const type = typeof v;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined') {
    return true;
  }

  // Deeper than this (or a cycle) takes the careful path, which reports cycles properly.
  if (type !== 'object' || depth > 64) {
    return false;
  }

  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!isPlainJson(v[i], depth + 1)) {
        return false;
      }
    }

    return true;
  }

  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || hasOwn.call(v, '$bin') || hasOwn.call(v, 'toJSON')) {
    return false;
  }

  for (const key in v) {
    if (hasOwn.call(v, key) && !isPlainJson(v[key], depth + 1)) {
      return false;
    }
  }

  return true;
}

function isPlainData(v) {
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    return true;
  }

  if (v instanceof IpcMessagePort) {
    return false;
  }

  if (v instanceof Map || v instanceof Set || v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise) {
    return false;
  }

  if (typeof Blob === 'function' && v instanceof Blob) {
    return false;
  }

  if (typeof MessagePort === 'function' && v instanceof MessagePort) {
    return false;
  }

  return true;
}

/**
 * Decodes a payload's JSON and segments. `{"$bin":N}` becomes segment N as a Uint8Array; a reference to a segment
 * that does not exist throws an error named `IpcBridge.IpcSerializationException`. An empty payload is `undefined`.
 */
export function decodePayload(json, segments = EMPTY_LIST, what = 'The payload') {
  if (json.length === 0) {
    return undefined;
  }

  let text;
  try {
    text = utf8Decoder.decode(json);
  } catch {
    throw serializationError(`${what} is not UTF-8.`);
  }

  try {
    if (segments.length === 0 && !text.includes('"$bin"')) {
      return JSON.parse(text);
    }

    return JSON.parse(text, function revive(key, v) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && hasOwn.call(v, '$bin')) {
        const keys = Object.keys(v);
        if (keys.length === 1) {
          const index = v.$bin;
          if (!Number.isInteger(index) || index < 0 || index >= segments.length) {
            throw serializationError(`${what} refers to binary segment ${JSON.stringify(index)}, but the frame has ${segments.length}.`);
          }

          return segments[index];
        }
      }

      return v;
    });
  } catch (error) {
    if (error instanceof IpcError) {
      throw error;
    }

    throw serializationError(`${what} is not valid JSON: ${error.message}`);
  }
}

function copySegments(payload) {
  return { json: payload.json, segments: payload.segments.map((s) => s.slice()) };
}

// ---------------------------------------------------------------------------------------------------------------
// Allowlist
// ---------------------------------------------------------------------------------------------------------------

const OPERATION_BY_NAME = new Map(Object.entries(IpcOperation).map(([k, v]) => [k.toLowerCase(), v]));

function parseOperations(value) {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return value;
  }

  if (typeof value === 'string') {
    // Older welcomes wrote the flags' names ("Send, Invoke"); a number is what the wire carries now.
    let operations = 0;
    for (const part of value.split(',')) {
      const bit = OPERATION_BY_NAME.get(part.trim().toLowerCase());
      if (bit === undefined) {
        throw protocolError(`an unknown operation "${part.trim()}" in the welcome`);
      }

      operations |= bit;
    }

    return operations;
  }

  throw protocolError(`operations ${JSON.stringify(value)} in the welcome`);
}

/**
 * The channels an endpoint may use, per operation: the same rules as .NET's `ChannelAllowlist`. A pattern is an exact
 * channel name or a prefix ending in a single `*`; an operation is allowed when the rules that match the channel grant
 * every requested flag between them.
 */
export class ChannelAllowlist {
  #rules;
  #allowAll;

  /**
   * @param {boolean} allowAll whether every operation on every channel is allowed.
   * @param {{operations: number|string, pattern: string}[]} rules the welcome's rules.
   */
  constructor(allowAll = false, rules = []) {
    this.#allowAll = allowAll === true;
    this.#rules = [];
    for (const rule of rules ?? []) {
      const pattern = rule?.pattern;
      if (typeof pattern !== 'string' || pattern.length === 0) {
        throw new TypeError('A channel pattern must not be empty.');
      }

      const star = pattern.indexOf('*');
      if (star >= 0 && star !== pattern.length - 1) {
        throw new TypeError(`Channel pattern '${pattern}' may have '*' only at its end.`);
      }

      this.#rules.push(Object.freeze({
        operations: parseOperations(rule.operations),
        text: star < 0 ? pattern : pattern.slice(0, -1),
        isPrefix: star >= 0,
      }));
    }

    Object.freeze(this);
  }

  /** A list that permits nothing. */
  static denyAll() {
    return new ChannelAllowlist(false, []);
  }

  /** A list that permits everything. */
  static allowAll() {
    return new ChannelAllowlist(true, []);
  }

  /** Reads a welcome's `allowAll` and `rules`. */
  static fromWelcome(welcome) {
    if (welcome.rules !== undefined && welcome.rules !== null && !Array.isArray(welcome.rules)) {
      throw protocolError('a welcome whose rules are not a list');
    }

    return new ChannelAllowlist(welcome.allowAll === true, welcome.rules ?? []);
  }

  /** Whether this list permits everything. */
  get allowsEverything() {
    return this.#allowAll;
  }

  /** The rules as `{ operations, pattern }`, as the welcome carried them. */
  get rules() {
    return this.#rules.map((r) => ({ operations: r.operations, pattern: r.isPrefix ? `${r.text}*` : r.text }));
  }

  /** Whether every operation in `operation` is permitted on `channel`. */
  isAllowed(operation, channel) {
    if (this.#allowAll) {
      return true;
    }

    if (typeof channel !== 'string') {
      return false;
    }

    let granted = 0;
    for (const rule of this.#rules) {
      if ((rule.operations & operation) !== 0 && (rule.isPrefix ? channel.startsWith(rule.text) : channel === rule.text)) {
        granted |= rule.operations;
        if ((granted & operation) === operation) {
          return true;
        }
      }
    }

    return operation === IpcOperation.None;
  }

  toString() {
    if (this.#allowAll) {
      return 'AllowAll';
    }

    return this.#rules.length === 0
      ? 'DenyAll'
      : this.#rules.map((r) => `${operationName(r.operations)}: ${r.text}${r.isPrefix ? '*' : ''}`).join('; ');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------------------------

/** Packs a queue limit for the wire: `capacity << 4 | (fullMode + 1)`, or 0 for unbounded. */
export function encodeQueueLimit(limit) {
  return limit ? (limit.capacity * 16) + limit.fullMode + 1 : 0;
}

/** Unpacks a queue limit from the wire; anything out of range reads as unbounded (`null`), as .NET reads it. */
export function decodeQueueLimit(code) {
  const n = typeof code === 'bigint' ? (code > BigInt(MAX_CAPACITY) * 16n + 15n ? -1 : Number(code)) : code;
  if (!(n > 0)) {
    return null;
  }

  const mode = (n & 0xf) - 1;
  const capacity = Math.floor(n / 16);
  return capacity >= 1 && capacity <= MAX_CAPACITY && mode >= 0 && mode <= 3 ? Object.freeze({ capacity, fullMode: mode }) : null;
}

function checkLimit(limit) {
  if (limit === undefined || limit === null) {
    return null;
  }

  const capacity = limit.capacity;
  const fullMode = limit.fullMode ?? QueueFullMode.Wait;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    throw new RangeError(`Capacity must be from 1 to ${MAX_CAPACITY}.`);
  }

  if (!Number.isInteger(fullMode) || fullMode < 0 || fullMode > 3) {
    throw new RangeError('Unknown full mode.');
  }

  return Object.freeze({ capacity, fullMode });
}

function newPortId() {
  const words = new Uint32Array(2);
  for (;;) {
    globalThis.crypto.getRandomValues(words);

    // Ids are unguessable 63-bit numbers, so an endpoint cannot address a port it was never given.
    const id = ((BigInt(words[0] & 0x7fffffff) << 32n) | BigInt(words[1]));
    if (id !== 0n) {
      return id;
    }
  }
}

/** The event a port dispatches for a message: the web's `MessageEvent` shape (`data`, `ports`). */
export class IpcMessageEvent extends Event {
  #data;
  #ports;

  constructor(type, data, ports) {
    super(type);
    this.#data = data;
    this.#ports = Object.freeze(ports.slice());
  }

  /** The message. */
  get data() {
    return this.#data;
  }

  /** The ports that came with the message. */
  get ports() {
    return this.#ports;
  }

  /** Always empty: a message from a port has no origin. */
  get origin() {
    return '';
  }

  get lastEventId() {
    return '';
  }

  get source() {
    return null;
  }
}

const PORT_TOKEN = Symbol('IpcMessagePort');
let ports; // The module's access to a port's private state (below the class).

/**
 * One end of an IpcMessageChannel, following the web's `MessagePort`: messages wait until `start()` (setting
 * `onmessage` starts the port; `addEventListener('message', ...)` does not), `close()` closes both ends and fires
 * `close` at the other, and a port listed in a transfer list moves to the receiver, leaving this object unusable.
 * Ports travel to main, on to other endpoints, and back. A bounded port (`new IpcMessageChannel({ capacity, fullMode })`)
 * holds at most `capacity` unhandled messages at its receiver: under `Wait` the sender's excess waits here (in order),
 * under `DropNewest` it is dropped, under `Fail` `postMessage` throws, under `DropOldest` the receiver drops its oldest.
 */
export class IpcMessagePort extends EventTarget {
  #id;
  #partnerId;
  #limit;
  #state = 'open'; // 'open' | 'transferred' | 'closed'
  #started = false;
  #scheduled = false;
  #closeEventPending = false;
  #inbox = [];
  #partner = null;
  #session = null;
  #onmessage = null;
  #onclose = null;
  #unacked = 0;
  #handledSinceAck = 0;
  #outbox = [];
  #dropped = 0;
  #held = null;
  #movedTo = null;

  constructor(token, id, partnerId, limit) {
    if (token !== PORT_TOKEN) {
      throw new TypeError('Illegal constructor: create ports with new IpcMessageChannel().');
    }

    super();
    this.#id = id;
    this.#partnerId = partnerId;
    this.#limit = limit;
  }

  /** The bound on messages waiting at the receiver (`{ capacity, fullMode }`), or `null` when unbounded. */
  get limit() {
    return this.#limit;
  }

  /** How many messages this port dropped under its limit (as sender for DropNewest, as receiver for DropOldest). */
  get droppedCount() {
    return this.#dropped;
  }

  /** How many posted messages wait here for room at the receiver (bounded ports under `Wait`). */
  get waitingCount() {
    return this.#outbox.length;
  }

  get onmessage() {
    return this.#onmessage;
  }

  set onmessage(handler) {
    this.#setHandler('message', typeof handler === 'function' ? handler : null);
    if (this.#onmessage !== null && this.#state !== 'transferred') {
      this.start();
    }
  }

  get onclose() {
    return this.#onclose;
  }

  set onclose(handler) {
    this.#setHandler('close', typeof handler === 'function' ? handler : null);
  }

  #messageRelay = (e) => this.#onmessage?.call(this, e);

  #closeRelay = (e) => this.#onclose?.call(this, e);

  #setHandler(type, handler) {
    const relay = type === 'message' ? this.#messageRelay : this.#closeRelay;
    const before = type === 'message' ? this.#onmessage : this.#onclose;
    if (type === 'message') {
      this.#onmessage = handler;
    } else {
      this.#onclose = handler;
    }

    // As an event handler attribute on the web: listed when first set, unlisted when set to null.
    if (before === null && handler !== null) {
      this.addEventListener(type, relay);
    } else if (before !== null && handler === null) {
      this.removeEventListener(type, relay);
    }
  }

  /**
   * Posts a message to the other end, moving the ports in `transfer` with it.
   * @param {*} message any value that can cross to .NET (binary values travel as bytes).
   * @param {IpcMessagePort[] | {transfer: IpcMessagePort[]}} [transfer]
   */
  postMessage(message, transfer) {
    if (this.#state === 'transferred') {
      throw invalidStateError('This port was transferred and can no longer be used here.');
    }

    const list = validateTransfer(Array.isArray(transfer) ? transfer : transfer?.transfer, this);
    const payload = encodePayload(message, 'The message');
    if (this.#state === 'closed') {
      return;
    }

    const limit = this.#limit;
    if (limit !== null && limit.fullMode !== QueueFullMode.DropOldest && (this.#outbox.length > 0 || this.#unacked >= limit.capacity)) {
      if (limit.fullMode === QueueFullMode.Fail) {
        throw new IpcError(ErrorName.QueueFull, `The receiver of this port already has ${limit.capacity} messages waiting.`);
      }

      if (limit.fullMode === QueueFullMode.DropNewest) {
        this.#dropped++;
        return;
      }

      // Wait: the message waits here, in order, until the receiver acknowledges room; its ports move now, as on the web.
      this.#outbox.push({ payload: copySegments(payload), transfer: moveLocally(list) });
      return;
    }

    if (limit !== null && limit.fullMode !== QueueFullMode.DropOldest) {
      this.#unacked++;
    }

    this.#deliver(payload, list);
  }

  /** Starts delivering queued and future messages. Idempotent. */
  start() {
    if (this.#state === 'transferred') {
      throw invalidStateError('This port was transferred and can no longer be used here.');
    }

    this.#started = true;
    this.#schedule();
  }

  /** Closes this end; the other end fires `close`. Messages not yet delivered here are dropped. Idempotent. */
  close() {
    if (this.#state !== 'open') {
      return;
    }

    this.#state = 'closed';
    this.#inbox.length = 0;
    this.#outbox.length = 0;
    const partner = this.#partner;
    this.#partner = null;
    if (partner !== null) {
      partner.#remoteClosed();
    } else if (this.#session !== null) {
      this.#session.closeFromPort(this);
    }
  }

  toString() {
    return `IpcMessagePort ${this.#id.toString(16).padStart(16, '0')}`;
  }

  #deliver(payload, list) {
    const partner = this.#partner;
    if (partner !== null) {
      const value = decodePayload(payload.json, payload.segments.map((s) => s.slice()), 'The message');
      partner.#enqueue(value, moveLocally(list));
    } else if (this.#session !== null) {
      this.#session.sendFromPort(this, payload, list);
    }
  }

  #enqueue(value, carried) {
    if (this.#state === 'transferred') {
      // Moved on while this message was on its way: it follows the port.
      if (this.#movedTo !== null) {
        this.#movedTo.#enqueue(value, carried);
      } else {
        this.#session?.forwardToMoved(this.#id, value, carried);
      }

      return;
    }

    if (this.#state !== 'open') {
      for (const p of carried) {
        p.close();
      }

      return;
    }

    const limit = this.#limit;
    if (limit !== null && limit.fullMode === QueueFullMode.DropOldest && this.#inbox.length >= limit.capacity) {
      const dropped = this.#inbox.shift();
      for (const p of dropped.ports) {
        p.close();
      }

      this.#dropped++;
    }

    this.#inbox.push({ value, ports: carried });
    this.#schedule();
  }

  #schedule() {
    if (this.#started && !this.#scheduled && (this.#inbox.length > 0 || this.#closeEventPending)) {
      this.#scheduled = true;

      // Delivered after the current task's code, never inside postMessage, as on the web.
      queueMicrotask(() => this.#drain());
    }
  }

  #drain() {
    this.#scheduled = false;
    while (this.#inbox.length > 0 && this.#state !== 'transferred' && this.#started) {
      const next = this.#inbox.shift();
      this.dispatchEvent(new IpcMessageEvent('message', next.value, next.ports));
      this.#ackHandled();
    }

    if (this.#closeEventPending && this.#inbox.length === 0 && this.#state === 'closed') {
      this.#closeEventPending = false;
      this.dispatchEvent(new Event('close'));
    }
  }

  #ackHandled() {
    const limit = this.#limit;
    if (limit === null || limit.fullMode === QueueFullMode.DropOldest) {
      return;
    }

    this.#handledSinceAck++;
    if (this.#inbox.length > 0 && this.#handledSinceAck < Math.max(1, Math.floor(limit.capacity / 2))) {
      return;
    }

    const count = this.#handledSinceAck;
    this.#handledSinceAck = 0;
    if (this.#partner !== null) {
      this.#partner.#onAck(count);
    } else {
      this.#session?.sendAck(this, count);
    }
  }

  #onAck(count) {
    this.#unacked = Math.max(0, this.#unacked - count);
    while (this.#outbox.length > 0 && this.#unacked < this.#limit.capacity && this.#state === 'open') {
      const next = this.#outbox.shift();
      this.#unacked++;
      this.#deliver(next.payload, next.transfer);
    }
  }

  /** The other end was closed, or the link its holder lay behind is gone. */
  #remoteClosed() {
    if (this.#state !== 'open') {
      return;
    }

    this.#state = 'closed';
    this.#partner = null;
    this.#outbox.length = 0;
    this.#session?.forget(this);

    // Messages that arrived before the close are still delivered once started; then `close` follows them.
    this.#closeEventPending = true;
    if (this.#started) {
      this.#schedule();
    } else {
      this.#closeEventPending = false;
      this.dispatchEvent(new Event('close'));
    }
  }

  // A method keyed by a symbol only this module holds, rather than a static block: WebKit before 16.4 has none.
  static [PORT_TOKEN]() {
    return {
      create: (id, partnerId, limit) => new IpcMessagePort(PORT_TOKEN, id, partnerId, limit),
      id: (p) => p.#id,
      partnerId: (p) => p.#partnerId,
      limit: (p) => p.#limit,
      state: (p) => p.#state,
      partner: (p) => p.#partner,
      session: (p) => p.#session,
      setPartner: (p, partner) => { p.#partner = partner; },
      attach: (p, session) => { p.#session = session; },
      enqueue: (p, value, carried) => p.#enqueue(value, carried),
      onAck: (p, count) => p.#onAck(count),
      remoteClosed: (p) => p.#remoteClosed(),
      held: (p) => p.#held,
      setHeld: (p, held) => { p.#held = held; },

      /**
       * Makes the port unusable here and returns what it had received and not delivered, so that it can follow the port.
       * What it was still waiting to send (bounded, Wait) goes first, beyond its credit: credit does not travel.
       */
      detach: (p) => {
        const outbox = p.#outbox;
        p.#outbox = [];
        for (const item of outbox) {
          p.#deliver(item.payload, item.transfer);
        }

        p.#state = 'transferred';
        const inbox = p.#inbox;
        p.#inbox = [];
        return inbox;
      },

      /** A new object for the same port, taking over its queue, route and credit (a move inside this page). */
      renew: (p) => {
        const fresh = new IpcMessagePort(PORT_TOKEN, p.#id, p.#partnerId, p.#limit);
        fresh.#session = p.#session;
        fresh.#partner = p.#partner;
        fresh.#unacked = p.#unacked;
        fresh.#held = p.#held;
        fresh.#inbox = p.#inbox;
        fresh.#outbox = p.#outbox;
        if (fresh.#partner !== null) {
          fresh.#partner.#partner = fresh;
        }

        p.#state = 'transferred';
        p.#movedTo = fresh;
        p.#inbox = [];
        p.#outbox = [];
        p.#partner = null;
        p.#held = null;
        return fresh;
      },
    };
  }
}

ports = IpcMessagePort[PORT_TOKEN]();

/** Two entangled ports (the web's `MessageChannel`), optionally bounded: `new IpcMessageChannel({ capacity: 8, fullMode: QueueFullMode.Wait })`. */
export class IpcMessageChannel {
  #port1;
  #port2;

  /** @param {{capacity: number, fullMode?: number}} [limit] bounds both directions. */
  constructor(limit) {
    const checked = checkLimit(limit);
    const a = newPortId();
    let b = newPortId();
    while (b === a) {
      b = newPortId();
    }

    this.#port1 = ports.create(a, b, checked);
    this.#port2 = ports.create(b, a, checked);
    ports.setPartner(this.#port1, this.#port2);
    ports.setPartner(this.#port2, this.#port1);
  }

  get port1() {
    return this.#port1;
  }

  get port2() {
    return this.#port2;
  }
}

function validateTransfer(transfer, through) {
  if (transfer === undefined || transfer === null) {
    return [];
  }

  if (typeof transfer[Symbol.iterator] !== 'function') {
    throw new TypeError('The transfer list must be an array of ports.');
  }

  const list = [];
  const seen = new Set();
  for (const port of transfer) {
    if (!(port instanceof IpcMessagePort)) {
      if (typeof MessagePort === 'function' && port instanceof MessagePort) {
        throw new TypeError('A browser MessagePort cannot travel to .NET; create the pair with new IpcMessageChannel().');
      }

      throw new TypeError('The transfer list may hold only IpcMessagePort objects.');
    }

    const id = ports.id(port);
    if (through !== null && (port === through || id === ports.partnerId(through))) {
      throw dataCloneError('A port cannot be transferred through itself or through its entangled partner.');
    }

    if (seen.has(id)) {
      throw dataCloneError('The same port is listed twice in the transfer list.');
    }

    const state = ports.state(port);
    if (state !== 'open') {
      throw dataCloneError(`${port} is ${state === 'closed' ? 'closed' : 'already transferred'} and cannot be transferred.`);
    }

    seen.add(id);
    list.push(port);
  }

  return list;
}

/** Moves ports to a receiver in this page: new objects for the same ports; the old ones become unusable. */
function moveLocally(list) {
  if (list.length === 0) {
    return list;
  }

  return list.map((port) => {
    const fresh = ports.renew(port);
    ports.session(fresh)?.replaceLocal(port, fresh);
    return fresh;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// contextBridge
// ---------------------------------------------------------------------------------------------------------------

/**
 * Copies `api` for the page and freezes the copy, deeply: plain objects and arrays are copied and frozen, functions are
 * wrapped (the page gets a frozen function that calls the original, never the original itself), binary values are
 * copied, and other objects (Promises, Dates, class instances' methods are not copied) pass through as Electron does.
 */
export function freezeApi(api) {
  return copyFrozen(api, undefined, new Map());
}

function copyFrozen(value, holder, seen) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return value;
  }

  if (seen.has(value)) {
    return seen.get(value);
  }

  if (typeof value === 'function') {
    const original = value;
    const wrapper = function exposed(...args) {
      return original.apply(holder, args);
    };
    Object.defineProperty(wrapper, 'name', { value: original.name });
    seen.set(value, wrapper);
    return Object.freeze(wrapper);
  }

  if (isBinary(value)) {
    // A typed array with elements cannot be frozen; the page gets its own copy instead.
    const copy = value instanceof ArrayBuffer ? value.slice(0) : asBytes(value).slice();
    seen.set(value, copy);
    return copy;
  }

  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    if (value instanceof Promise || value instanceof Date || value instanceof RegExp || value instanceof Map || value instanceof Set || value instanceof EventTarget) {
      return value;
    }
  }

  const copy = Array.isArray(value) ? [] : {};
  seen.set(value, copy);
  for (const key of Object.keys(value)) {
    copy[key] = copyFrozen(value[key], value, seen);
  }

  return Object.freeze(copy);
}

function createContextBridge(world) {
  return Object.freeze({
    /**
     * Puts a frozen copy of `api` on the page's global object under `key`, as Electron's `contextBridge` does.
     * Throws when `key` is already taken.
     */
    exposeInMainWorld(key, api) {
      if (typeof key !== 'string' || key.length === 0) {
        throw new TypeError('The key must be a non-empty string.');
      }

      if (key in world) {
        throw new Error(`Cannot bind an API on top of an existing property on the window object ('${key}').`);
      }

      Object.defineProperty(world, key, { value: freezeApi(api), writable: false, configurable: false, enumerable: true });
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The link to main
// ---------------------------------------------------------------------------------------------------------------

const SOCKET_OPEN = 1;

/** One page's link to main: call table, dispatch, ports, listeners, handlers. */
class Session {
  #socket;
  #options;
  #allowlist = null;
  #state = 'handshake'; // 'handshake' | 'preload' | 'open' | 'closed'
  #waiting = []; // Frames main sent before the preload returned.
  #calls = new Map();
  #lastCallId = 0;
  #inbound = new Map();
  #listeners = new Map();
  #handlers = new Map();
  #local = new Map(); // Ports living here that the link can reach, by id.
  #gaveAway = new Set(); // Ports this page handed over the link: frames still arriving for them go back.
  #peerReason = -1;
  #closeReason = null;
  #framesWritten = 0;
  #countFrames = false;
  #closedWaiters = [];
  #onHandshake = null;

  constructor(socket, options) {
    this.#socket = socket;
    this.#options = options;
  }

  get allowlist() {
    return this.#allowlist;
  }

  get closeReason() {
    return this.#closeReason;
  }

  get isClosed() {
    return this.#state === 'closed';
  }

  get framesWritten() {
    return this.#framesWritten;
  }

  // --- handshake --------------------------------------------------------------------------------------------------

  /** Says hello and resolves with the welcome; rejects on a refusal, a close or a malformed answer. */
  handshake() {
    return new Promise((resolve, reject) => {
      this.#onHandshake = { resolve, reject };
      const socket = this.#socket;
      socket.binaryType = 'arraybuffer';
      socket.onmessage = (e) => this.#onMessage(e.data);
      socket.onclose = (e) => this.#onSocketClosed(e);
      socket.onerror = () => {
        // The close event that follows says what ended the link.
      };
      const hello = () => {
        const body = { protocol: PROTOCOL_VERSION, token: this.#options.token ?? null, processId: 0, peers: false };
        try {
          this.#send({ kind: FrameKind.Hello, json: utf8Encoder.encode(JSON.stringify(body)) });
        } catch (error) {
          this.#onHandshake = null;
          this.#closeSocket(DisconnectReason.LocalClosed, error);
          reject(error);
          return;
        }

        this.#countFrames = true;
      };

      if (socket.readyState === SOCKET_OPEN) {
        hello();
      } else {
        socket.onopen = hello;
      }
    });
  }

  #onHandshakeFrame(frame) {
    const pending = this.#onHandshake;
    this.#onHandshake = null;
    if (frame.kind === FrameKind.Welcome) {
      let welcome;
      try {
        welcome = JSON.parse(utf8Decoder.decode(frame.json));
        if (welcome === null || typeof welcome !== 'object') {
          throw protocolError('a welcome that is not an object');
        }

        if (welcome.protocol !== PROTOCOL_VERSION) {
          throw new IpcError(ErrorName.Protocol, `Main speaks protocol version ${welcome.protocol}; this page speaks version ${PROTOCOL_VERSION}.`);
        }

        this.#allowlist = ChannelAllowlist.fromWelcome(welcome);
      } catch (error) {
        const reason = error instanceof IpcError ? error : new IpcError(ErrorName.Protocol, "Main's welcome was malformed.");
        this.#fail(reason, DisconnectReason.ProtocolViolation);
        pending.reject(reason);
        return;
      }

      this.#state = 'preload';
      pending.resolve(welcome);
      return;
    }

    if (frame.kind === FrameKind.Refused) {
      let why;
      try {
        why = utf8Decoder.decode(frame.json);
      } catch {
        why = '(unreadable)';
      }

      const error = new IpcError(ErrorName.Protocol, `Main refused the connection: ${why}.`, { refused: true });
      this.#closeSocket(DisconnectReason.LocalClosed, error);
      pending.reject(error);
      return;
    }

    const error = new IpcError(ErrorName.Protocol, `Main answered the hello with a frame of kind ${frame.kind}.`);
    this.#fail(error, DisconnectReason.ProtocolViolation);
    pending.reject(error);
  }

  /** The preload returned: tell main, then dispatch what waited. */
  ready() {
    this.write({ kind: FrameKind.Ready });
    this.#state = 'open';
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const frame of waiting) {
      if (this.#state !== 'open') {
        break;
      }

      this.#dispatch(frame);
    }
  }

  /** The preload threw: tell main why, and end the link. */
  preloadFailed(thrown) {
    try {
      this.write({ kind: FrameKind.Ready, json: utf8Encoder.encode(JSON.stringify(bodyFromError(thrown))) });
    } catch {
      // The link is already gone; the caller rejects with the preload's error all the same.
    }

    this.close(DisconnectReason.LocalClosed, 'The preload threw.');
  }

  // --- writing ----------------------------------------------------------------------------------------------------

  #send(frame) {
    this.#sendBytes(this.#encode(frame));
  }

  #encode(frame) {
    const bytes = encodeFrame(frame);
    if (bytes.length - LENGTH_PREFIX > this.#options.maxFrameSize) {
      throw serializationError(`A frame of ${bytes.length - LENGTH_PREFIX} bytes is larger than the limit of ${this.#options.maxFrameSize} (MaxFrameSize).`);
    }

    return bytes;
  }

  #sendBytes(bytes) {
    this.#socket.send(bytes);
    if (this.#countFrames) {
      this.#framesWritten++;
    }
  }

  /** Writes a frame; throws a disconnected error once the link is closed. */
  write(frame) {
    if (this.#state === 'closed') {
      throw this.#disconnected();
    }

    this.#send(frame);
  }

  #tryWrite(frame) {
    if (this.#state === 'closed') {
      return;
    }

    try {
      this.#send(frame);
    } catch (error) {
      this.#report(error);
    }
  }

  #disconnected(channel) {
    const reason = this.#closeReason;
    const why = reason?.message ?? 'The link to main is closed.';
    return disconnectedError(channel === undefined ? why : `The call on channel '${channel}' could not complete: ${why}`, reason?.reason ?? DisconnectReason.LocalClosed);
  }

  // --- checks ------------------------------------------------------------------------------------------------------

  check(operation, channel) {
    if (typeof channel !== 'string') {
      throw new TypeError('The channel must be a string.');
    }

    if (!this.#allowlist.isAllowed(operation, channel)) {
      throw accessDenied(channel, operation);
    }
  }

  // --- calls --------------------------------------------------------------------------------------------------------

  send(channel, args) {
    this.check(IpcOperation.Send, channel);
    const payload = encodePayload(args, `The arguments on '${channel}'`);
    this.write({ kind: FrameKind.Send, channel, json: payload.json, segments: payload.segments });
  }

  postMessage(channel, message, transfer) {
    const list = validateTransfer(transfer, null);
    this.check(list.length === 0 ? IpcOperation.Send : IpcOperation.Send | IpcOperation.Ports, channel);
    const payload = encodePayload([message], `The message on '${channel}'`);
    if (this.#state === 'closed') {
      throw this.#disconnected();
    }

    this.#sendWithPorts(FrameKind.Send, channel, 0n, payload, list);
  }

  invoke(channel, args, options) {
    try {
      this.check(IpcOperation.Invoke, channel);
      const signal = options?.signal;
      if (signal?.aborted) {
        return Promise.reject(signal.reason);
      }

      const payload = encodePayload(args, `The arguments on '${channel}'`);
      return this.#call(FrameKind.Invoke, channel, payload, this.#timeoutFor(channel, options?.timeout, this.#options.invokeTimeout), signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #timeoutFor(channel, perCall, fallback) {
    if (perCall !== undefined && perCall !== null) {
      return checkTimeout(perCall);
    }

    const channelTimeouts = this.#options.channelTimeouts;
    if (channelTimeouts && hasOwn.call(channelTimeouts, channel)) {
      return checkTimeout(channelTimeouts[channel]);
    }

    return fallback;
  }

  #call(kind, channel, payload, timeout, signal) {
    if (this.#calls.size >= this.#options.maxPendingCalls) {
      throw new IpcError(ErrorName.Ipc, `Too many pending calls on this link (${this.#options.maxPendingCalls}); see the maxPendingCalls option.`);
    }

    if (this.#state === 'closed') {
      throw this.#disconnected(channel);
    }

    const id = ++this.#lastCallId;
    this.#send({ kind, callId: id, channel, json: payload.json, segments: payload.segments });
    return new Promise((resolve, reject) => {
      const call = { channel, resolve, reject, timer: null, signal: null, onAbort: null };
      this.#calls.set(id, call);
      if (signal) {
        call.signal = signal;
        call.onAbort = () => this.#stop(id, signal.reason);
        signal.addEventListener('abort', call.onAbort, { once: true });
      }

      if (timeout !== undefined && timeout !== Infinity) {
        call.timer = setTimeout(() => this.#stop(id, timeoutError(channel, timeout)), timeout);
      }
    });
  }

  #release(call) {
    if (call.timer !== null) {
      clearTimeout(call.timer);
    }

    if (call.onAbort !== null) {
      call.signal.removeEventListener('abort', call.onAbort);
    }
  }

  /** The caller stopped waiting (aborted, timed out): reject, and tell main to cancel its handler. */
  #stop(id, error) {
    const call = this.#calls.get(id);
    if (call === undefined) {
      return;
    }

    this.#calls.delete(id);
    this.#release(call);
    this.#tryWrite({ kind: FrameKind.Cancel, callId: id });
    call.reject(error);
  }

  /** The number of calls waiting for an answer. */
  get pendingCalls() {
    return this.#calls.size;
  }

  sendSync(channel, args) {
    this.check(IpcOperation.SendSync, channel);
    const payload = encodePayload(args, `The arguments on '${channel}'`);
    if (this.#state === 'closed') {
      throw this.#disconnected(channel);
    }

    const id = ++this.#lastCallId;
    const body = encodeFrame({ kind: FrameKind.SendSync, callId: id, channel, json: payload.json, segments: payload.segments });
    if (body.length - LENGTH_PREFIX > this.#options.maxFrameSize) {
      throw serializationError(`A frame of ${body.length - LENGTH_PREFIX} bytes is larger than the limit of ${this.#options.maxFrameSize} (MaxFrameSize).`);
    }

    const headers = {
      'X-IpcBridge-Endpoint': String(this.#options.endpointId),
      'X-IpcBridge-Token': this.#options.token ?? '',
      'X-IpcBridge-After': String(this.#framesWritten),
    };
    const response = this.#options.syncRequest(this.#options.syncUrl, headers, body);
    return this.#readSyncAnswer(channel, id, response);
  }

  #readSyncAnswer(channel, id, response) {
    const text = typeof response.body === 'string' ? response.body : '';
    switch (response.status) {
      case 200:
        break;
      case 403:
        // Not the allowlist (that answers with an Error frame): the request's Host, Origin or token was refused.
        throw new IpcError(ErrorName.Ipc, `Main refused the sync request on channel '${channel}': ${text}`, { channel, status: 403 });
      case 410:
        throw disconnectedError(`The call on channel '${channel}' could not complete: the page's link is closed. ${text}`.trim(), DisconnectReason.RemoteClosed);
      case 504:
        throw new IpcError(ErrorName.Timeout, `No answer on channel '${channel}' within the sync time limit (SendSyncTimeout). ${text}`.trim(), { channel });
      case 413:
        throw serializationError(`The sync request on channel '${channel}' is larger than main accepts. ${text}`.trim());
      case 0:
        throw disconnectedError(`The sync request on channel '${channel}' could not reach main.`, DisconnectReason.StreamFailed);
      default:
        throw new IpcError(ErrorName.Protocol, `Main answered the sync request on channel '${channel}' with status ${response.status}: ${text}`, { channel, status: response.status });
    }

    let frame;
    try {
      frame = decodeFrame(base64ToBytes(text.trim()), this.#options.maxFrameSize);
    } catch (error) {
      throw error instanceof IpcError ? error : new IpcError(ErrorName.Protocol, `Main's sync answer on channel '${channel}' is not base64.`);
    }

    if (frame.callId !== id || (frame.kind !== FrameKind.Result && frame.kind !== FrameKind.Error)) {
      throw new IpcError(ErrorName.Protocol, `Main's sync answer on channel '${channel}' is a frame of kind ${frame.kind} for call ${frame.callId}, not the answer to call ${id}.`);
    }

    if (frame.kind === FrameKind.Error) {
      throw errorFromBody(channel, parseErrorBody(frame));
    }

    return decodePayload(frame.json, frame.segments, `The sync answer on '${channel}'`);
  }

  // --- listeners and handlers ----------------------------------------------------------------------------------------

  addListener(channel, listener, once) {
    if (typeof listener !== 'function') {
      throw new TypeError('The listener must be a function.');
    }

    this.check(IpcOperation.Receive, channel);
    let list = this.#listeners.get(channel);
    if (list === undefined) {
      list = [];
      this.#listeners.set(channel, list);
    }

    list.push({ listener, once });
  }

  removeListener(channel, listener) {
    const list = this.#listeners.get(channel);
    if (list === undefined) {
      return;
    }

    // As Node's EventEmitter: the most recently added registration goes.
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].listener === listener) {
        list.splice(i, 1);
        break;
      }
    }

    if (list.length === 0) {
      this.#listeners.delete(channel);
    }
  }

  removeAllListeners(channel) {
    if (channel === undefined || channel === null) {
      this.#listeners.clear();
    } else {
      this.#listeners.delete(channel);
    }
  }

  listenerCount(channel) {
    return this.#listeners.get(channel)?.length ?? 0;
  }

  listeners(channel) {
    return (this.#listeners.get(channel) ?? []).map((r) => r.listener);
  }

  eventNames() {
    return [...this.#listeners.keys()];
  }

  handle(channel, handler, once) {
    if (typeof handler !== 'function') {
      throw new TypeError('The handler must be a function.');
    }

    this.check(IpcOperation.Handle, channel);
    if (this.#handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'.`);
    }

    this.#handlers.set(channel, { handler, once });
  }

  removeHandler(channel) {
    this.#handlers.delete(channel);
  }

  // --- reading --------------------------------------------------------------------------------------------------------

  #onMessage(data) {
    if (this.#state === 'closed') {
      return;
    }

    let frame;
    try {
      if (typeof data === 'string') {
        throw protocolError('a text message');
      }

      frame = decodeFrame(data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data : new Uint8Array(0), this.#options.maxFrameSize);
    } catch (error) {
      this.#violation(error.message, error);
      return;
    }

    if (this.#state === 'handshake') {
      this.#onHandshakeFrame(frame);
      return;
    }

    switch (frame.kind) {
      case FrameKind.Result:
      case FrameKind.Error:
        // Answers never wait: a preload awaiting an invoke must get its answer before it returns.
        this.#complete(frame);
        return;
      case FrameKind.StreamItem:
        this.#streamItem(frame);
        return;
      case FrameKind.Goodbye:
        this.#peerReason = typeof frame.callId === 'number' ? frame.callId : -1;
        return;
      default:
        if (this.#state === 'preload') {
          this.#waiting.push(frame);
        } else {
          this.#dispatch(frame);
        }
    }
  }

  #dispatch(frame) {
    try {
      switch (frame.kind) {
        case FrameKind.Send:
          this.#onSend(frame);
          return;
        case FrameKind.Invoke:
        case FrameKind.InvokeStream:
          this.#onInvoke(frame);
          return;
        case FrameKind.Cancel:
          this.#inbound.get(frame.callId)?.abort();
          return;
        case FrameKind.SendSync:
          this.#answerError(frame.callId, { code: ErrorCode.NoHandler, message: `A renderer does not answer SendSync on '${frame.channel}'.` });
          return;
        case FrameKind.PortMessage:
        case FrameKind.PortClose:
        case FrameKind.PortAck:
        case FrameKind.PortFence:
          this.#onPortFrame(frame);
          return;
        case FrameKind.PeerListen:
        case FrameKind.PeerConnect:
        case FrameKind.PortMove:
          this.#answerError(frame.callId, { code: ErrorCode.NoHandler, message: 'This endpoint opens no peer links.' });
          return;
        case FrameKind.StreamCredit:
          // This page serves no streams; credit for one that ended (or never began) is moot.
          if (typeof frame.portId !== 'bigint' || frame.portId <= 0n) {
            this.#violation(`a stream credit of ${frame.portId}`);
          }

          return;
        default:
          this.#violation(`a frame of kind ${frame.kind}, which main may not send`);
      }
    } catch (error) {
      this.#report(error);
    }
  }

  #complete(frame) {
    const id = frame.callId;
    const call = this.#calls.get(id);
    if (call === undefined) {
      if (typeof id !== 'number' || id <= 0 || id > this.#lastCallId) {
        this.#violation(`an answer to call ${id}, which was never made`);
      }

      // Otherwise a late answer to a call that was cancelled or timed out: dropped.
      return;
    }

    this.#calls.delete(id);
    this.#release(call);
    if (frame.kind === FrameKind.Result) {
      let value;
      try {
        value = decodePayload(frame.json, frame.segments, `The result of '${call.channel}'`);
      } catch (error) {
        call.reject(error);
        return;
      }

      call.resolve(value);
      return;
    }

    let body;
    try {
      body = parseErrorBody(frame);
    } catch (error) {
      call.reject(new IpcError(ErrorName.Protocol, `The answer on channel '${call.channel}' was a malformed error.`));
      this.#violation('a malformed error frame', error);
      return;
    }

    call.reject(errorFromBody(call.channel, body));
  }

  #streamItem(frame) {
    const id = frame.callId;
    if (this.#calls.has(id)) {
      this.#violation(`a stream item for call ${id}, which is not a stream`);
    } else if (typeof id !== 'number' || id <= 0 || id > this.#lastCallId) {
      this.#violation(`a stream item for call ${id}, which was never made`);
    }
  }

  #onSend(frame) {
    const needed = frame.ports === null ? IpcOperation.Receive : IpcOperation.Receive | IpcOperation.Ports;
    if (!this.#allowlist.isAllowed(needed, frame.channel)) {
      this.#rejectPorts(frame.ports);
      this.#report(new IpcError(ErrorName.AccessDenied, `Dropped a message from main on '${frame.channel}': the allowlist does not permit ${operationName(needed)} on it.`, { channel: frame.channel }));
      return;
    }

    let args;
    try {
      args = decodePayload(frame.json, frame.segments, `The arguments on '${frame.channel}'`);
      if (args === undefined) {
        args = [];
      } else if (!Array.isArray(args)) {
        throw serializationError(`The arguments on '${frame.channel}' are not a JSON array.`);
      }
    } catch (error) {
      this.#rejectPorts(frame.ports);
      this.#report(error);
      return;
    }

    const carried = this.receivePorts(frame.ports);
    if (carried === null) {
      return;
    }

    const list = this.#listeners.get(frame.channel);
    if (list === undefined) {
      // Nothing can ever reach these ports: they close, so their partners learn that nobody is at this end.
      for (const port of carried) {
        port.close();
      }

      return;
    }

    const event = Object.freeze({ sender: this.#options.ipcRenderer, senderId: 0, channel: frame.channel, ports: Object.freeze(carried) });
    for (const registration of list.slice()) {
      if (registration.once) {
        const index = list.indexOf(registration);
        if (index < 0) {
          continue;
        }

        list.splice(index, 1);
        if (list.length === 0 && this.#listeners.get(frame.channel) === list) {
          this.#listeners.delete(frame.channel);
        }
      }

      try {
        registration.listener(event, ...args);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  #onInvoke(frame) {
    const id = frame.callId;
    const channel = frame.channel;
    if (!this.#allowlist.isAllowed(IpcOperation.Handle, channel)) {
      this.#answerError(id, { code: ErrorCode.AccessDenied, operation: IpcOperation.Handle, message: 'Access denied.' });
      return;
    }

    const entry = frame.kind === FrameKind.Invoke ? this.#handlers.get(channel) : undefined;
    if (entry === undefined) {
      const message = frame.kind === FrameKind.Invoke ? `No handler registered for '${channel}'` : `No stream handler registered for '${channel}'`;
      this.#answerError(id, { code: ErrorCode.NoHandler, message });
      return;
    }

    if (entry.once) {
      this.#handlers.delete(channel);
    }

    let args;
    try {
      args = decodePayload(frame.json, frame.segments, `The arguments on '${channel}'`) ?? [];
      if (!Array.isArray(args)) {
        throw serializationError(`The arguments on '${channel}' are not a JSON array.`);
      }
    } catch (error) {
      this.#answerError(id, bodyFromError(error, ErrorCode.Serialization));
      return;
    }

    const controller = new AbortController();
    this.#inbound.set(id, controller);
    const event = Object.freeze({ sender: this.#options.ipcRenderer, senderId: 0, channel, signal: controller.signal });
    let result;
    try {
      result = entry.handler(event, ...args);
    } catch (error) {
      this.#finishInbound(id, controller, undefined, error, true);
      return;
    }

    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      Promise.resolve(result).then(
        (value) => this.#finishInbound(id, controller, value, undefined, false),
        (error) => this.#finishInbound(id, controller, undefined, error, true));
    } else {
      this.#finishInbound(id, controller, result, undefined, false);
    }
  }

  #finishInbound(id, controller, value, error, failed) {
    this.#inbound.delete(id);
    if (this.#state === 'closed') {
      return;
    }

    if (failed) {
      const cancelled = controller.signal.aborted && (error === controller.signal.reason || error?.name === 'AbortError');
      this.#answerError(id, bodyFromError(error, cancelled ? ErrorCode.Cancelled : ErrorCode.HandlerFailed));
      return;
    }

    let payload;
    try {
      payload = encodePayload(value, 'The result');
    } catch (encodeError) {
      this.#answerError(id, bodyFromError(encodeError, ErrorCode.Serialization));
      return;
    }

    this.#tryWrite({ kind: FrameKind.Result, callId: id, json: payload.json, segments: payload.segments });
  }

  #answerError(id, body) {
    this.#tryWrite({ kind: FrameKind.Error, callId: id, json: utf8Encoder.encode(JSON.stringify(body)) });
  }

  // --- ports ------------------------------------------------------------------------------------------------------------

  /** Writes a frame carrying `list` (each port then lives behind the link), then what the ports had queued. */
  #sendWithPorts(kind, channel, portId, payload, list) {
    const triples = [];
    for (const port of list) {
      triples.push(ports.id(port), ports.partnerId(port), encodeQueueLimit(ports.limit(port)));
    }

    // Encoded (and size-checked) before any port moves, so a frame that cannot go leaves the ports usable.
    const bytes = this.#encode({ kind, channel, portId, ports: triples.length === 0 ? null : triples, json: payload.json, segments: payload.segments });
    if (this.#state === 'closed') {
      throw this.#disconnected();
    }

    const queued = [];
    for (const port of list) {
      const id = ports.id(port);
      queued.push(ports.detach(port));
      const partner = ports.partner(port);
      if (partner !== null) {
        // The partner stays here and now reaches its port through the link.
        ports.setPartner(partner, null);
        ports.setPartner(port, null);
        this.attach(partner);
      }

      this.#local.delete(id);
      this.#gaveAway.add(id);
    }

    this.#sendBytes(bytes);

    // What waited in a moved port's queue follows it, after the frame that carried it.
    for (let i = 0; i < list.length; i++) {
      const id = ports.id(list[i]);
      for (const item of queued[i]) {
        this.#sendWithPorts(FrameKind.PortMessage, '', id, encodePayload(item.value, 'A queued message'), item.ports);
      }
    }
  }

  attach(port) {
    ports.attach(port, this);
    this.#local.set(ports.id(port), port);
  }

  replaceLocal(old, fresh) {
    const id = ports.id(old);
    if (this.#local.get(id) === old) {
      this.#local.set(id, fresh);
    }
  }

  forget(port) {
    const id = ports.id(port);
    if (this.#local.get(id) === port) {
      this.#local.delete(id);
    }
  }

  /** A port with no partner in this page posted a message: deliver it to the partner, here or through the link. */
  sendFromPort(from, payload, list) {
    this.#routeToPort(ports.partnerId(from), payload, list);
  }

  #routeToPort(target, payload, list) {
    const here = this.#local.get(target);
    if (here !== undefined) {
      const held = ports.held(here);
      const moved = moveLocally(list);
      const value = decodePayload(payload.json, payload.segments.map((s) => s.slice()), 'The message');
      if (held !== null) {
        held.push(() => ports.enqueue(here, value, moved));
      } else {
        ports.enqueue(here, value, moved);
      }

      return;
    }

    if (this.#state === 'closed') {
      return;
    }

    this.#sendWithPorts(FrameKind.PortMessage, '', target, payload, list);
  }

  /** A message reached a port object that had just moved on: send it after the port. */
  forwardToMoved(id, value, carried) {
    if (this.#state === 'closed' || !this.#gaveAway.has(id)) {
      return;
    }

    this.#sendWithPorts(FrameKind.PortMessage, '', id, encodePayload(value, 'A forwarded message'), carried);
  }

  closeFromPort(port) {
    const target = ports.partnerId(port);
    this.forget(port);
    const here = this.#local.get(target);
    if (here !== undefined) {
      const held = ports.held(here);
      if (held !== null) {
        held.push(() => ports.remoteClosed(here));
      } else {
        ports.remoteClosed(here);
      }

      return;
    }

    this.#tryWrite({ kind: FrameKind.PortClose, portId: target });
  }

  sendAck(port, count) {
    const target = ports.partnerId(port);
    const here = this.#local.get(target);
    if (here !== undefined) {
      ports.onAck(here, count);
    } else {
      this.#tryWrite({ kind: FrameKind.PortAck, callId: count, portId: target });
    }
  }

  /** Creates the objects for ports that arrived with a frame; `null` when main broke the protocol doing so. */
  receivePorts(triples) {
    if (triples === null) {
      return [];
    }

    for (let i = 0; i < triples.length; i += 3) {
      if (this.#local.has(triples[i]) || triples[i] === triples[i + 1] || triples[i] === 0n) {
        // A port that already lives here (or one entangled with itself) cannot arrive: .NET refuses the same.
        this.#violation(`a transfer of port ${triples[i].toString(16)}, which this page already holds or which is malformed`);
        return null;
      }
    }

    const received = [];
    for (let i = 0; i < triples.length; i += 3) {
      const id = triples[i];
      const partnerId = triples[i + 1];
      const port = ports.create(id, partnerId, decodeQueueLimit(triples[i + 2]));
      this.#gaveAway.delete(id);
      this.attach(port);
      const partner = this.#local.get(partnerId);
      if (partner !== undefined) {
        // Both ends are here now, but what the partner sent towards this port may still be coming back through main:
        // hold the partner's new messages until a fence written now comes back the same way.
        ports.setHeld(port, []);
        this.#tryWrite({ kind: FrameKind.PortFence, portId: id });
      }

      received.push(port);
    }

    return received;
  }

  #rejectPorts(triples) {
    if (triples === null) {
      return;
    }

    // Ports on a refused frame close at once, so their partners learn it.
    for (let i = 0; i < triples.length; i += 3) {
      this.#tryWrite({ kind: FrameKind.PortClose, portId: triples[i + 1] });
    }
  }

  #onPortFrame(frame) {
    const id = frame.portId;
    const port = this.#local.get(id);
    if (port === undefined) {
      if (this.#gaveAway.has(id)) {
        // A frame for a port this page handed on: it goes the way the port went, back through main.
        if (frame.kind === FrameKind.PortClose) {
          this.#gaveAway.delete(id);
        }

        this.#tryWrite(frame);
      } else {
        // Stale after a close, or for a port this page never held. Ports it carried are refused.
        this.#rejectPorts(frame.ports);
      }

      return;
    }

    switch (frame.kind) {
      case FrameKind.PortMessage: {
        let value;
        try {
          value = decodePayload(frame.json, frame.segments, 'A port message');
        } catch (error) {
          this.#rejectPorts(frame.ports);
          this.#report(error);
          return;
        }

        const carried = this.receivePorts(frame.ports);
        if (carried !== null) {
          ports.enqueue(port, value, carried);
        }

        return;
      }

      case FrameKind.PortClose:
        this.#local.delete(id);
        ports.remoteClosed(port);
        return;
      case FrameKind.PortAck:
        ports.onAck(port, typeof frame.callId === 'number' ? frame.callId : Number.MAX_SAFE_INTEGER);
        return;
      case FrameKind.PortFence:
        this.#endHold(port);
        return;
    }
  }

  /** The fence came back: what the partner posted meanwhile goes in, then the two ends talk directly. */
  #endHold(port) {
    const held = ports.held(port);
    if (held === null) {
      return;
    }

    ports.setHeld(port, null);
    for (const work of held) {
      work();
    }

    const partner = this.#local.get(ports.partnerId(port));
    if (partner !== undefined && ports.state(port) === 'open' && ports.state(partner) === 'open' &&
      ports.partner(port) === null && ports.partner(partner) === null) {
      ports.setPartner(port, partner);
      ports.setPartner(partner, port);
    }
  }

  // --- closing -----------------------------------------------------------------------------------------------------------

  #violation(what, cause) {
    const error = cause instanceof IpcError && cause.name === ErrorName.Protocol ? cause : new IpcError(ErrorName.Protocol, `Main broke the protocol: ${what}.`);
    const handshake = this.#onHandshake;
    this.#onHandshake = null;
    if (handshake !== null) {
      // connect() rejects with the violation itself, not with the disconnection that follows it.
      handshake.reject(error);
    } else {
      this.#report(error);
    }

    this.#fail(error, DisconnectReason.ProtocolViolation);
  }

  #fail(error, reason) {
    if (this.#state === 'closed') {
      return;
    }

    try {
      this.#send({ kind: FrameKind.Goodbye, callId: reason });
    } catch {
      // The socket is already gone.
    }

    this.#closeSocket(reason, disconnectedError(`The link to main was closed: ${error.message}`, reason));
  }

  /** Closes the link from this side, telling main why first. */
  close(reason = DisconnectReason.LocalClosed, why = 'The page closed its link to main.') {
    if (this.#state === 'closed') {
      return;
    }

    try {
      this.#send({ kind: FrameKind.Goodbye, callId: reason });
    } catch {
      // Gone already.
    }

    this.#closeSocket(reason, disconnectedError(why, reason));
  }

  #closeSocket(reason, error) {
    this.#shutdown(error);
    try {
      this.#socket.close(1000);
    } catch {
      // Closed already.
    }
  }

  #onSocketClosed(event) {
    if (this.#state === 'closed') {
      return;
    }

    let reason;
    const told = this.#peerReason;
    if (told >= 0 && told !== DisconnectReason.LocalClosed && reasonName(told) !== `Reason${told}`) {
      reason = told;
    } else if (told === DisconnectReason.LocalClosed) {
      reason = DisconnectReason.RemoteClosed;
    } else if (event?.code === 1002 || event?.code === 1009) {
      reason = DisconnectReason.ProtocolViolation;
    } else if (event?.code === 1000 || event?.code === 1001 || event?.code === 1008) {
      reason = DisconnectReason.RemoteClosed;
    } else {
      reason = DisconnectReason.StreamFailed;
    }

    const detail = event?.reason ? `: ${event.reason}` : '';
    this.#shutdown(disconnectedError(`The link to main closed (${reasonName(reason)}${detail}).`, reason));
  }

  /** Ends everything at once: pending calls reject, handlers' signals abort, ports whose partners lay behind the link close. */
  #shutdown(error) {
    if (this.#state === 'closed') {
      return;
    }

    const wasHandshake = this.#state === 'handshake';
    this.#state = 'closed';
    this.#closeReason = error;
    this.#waiting = [];
    const handshake = this.#onHandshake;
    this.#onHandshake = null;
    if (wasHandshake && handshake !== null) {
      handshake.reject(error);
    }

    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const call of calls) {
      this.#release(call);
      call.reject(disconnectedError(`The call on channel '${call.channel}' could not complete: ${error.message}`, error.reason));
    }

    for (const controller of this.#inbound.values()) {
      controller.abort(error);
    }

    this.#inbound.clear();
    const held = [...this.#local.values()].filter((p) => ports.held(p) !== null);
    for (const port of held) {
      this.#endHold(port);
    }

    for (const port of [...this.#local.values()]) {
      const partner = ports.partner(port);
      if (partner === null && !this.#local.has(ports.partnerId(port))) {
        ports.remoteClosed(port);
      }
    }

    this.#gaveAway.clear();
    for (const waiter of this.#closedWaiters.splice(0)) {
      waiter(error);
    }
  }

  whenClosed() {
    if (this.#state === 'closed') {
      return Promise.resolve(this.#closeReason);
    }

    return new Promise((resolve) => this.#closedWaiters.push(resolve));
  }

  #report(error) {
    const sink = this.#options.onError;
    if (typeof sink === 'function') {
      try {
        sink(error);
      } catch {
        // A failing error sink has nowhere left to report to.
      }

      return;
    }

    if (typeof globalThis.reportError === 'function') {
      globalThis.reportError(error);
    } else if (typeof console !== 'undefined') {
      console.error(error);
    }
  }
}

function checkTimeout(value) {
  if (value === Infinity) {
    return Infinity;
  }

  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`A time limit is a number of milliseconds (or Infinity), not ${String(value)}.`);
  }

  return value;
}

function parseErrorBody(frame) {
  const body = JSON.parse(utf8Decoder.decode(frame.json));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw protocolError('an error body that is not an object');
  }

  return body;
}

function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }

  return bytes;
}

function syncXhr(url, headers, body) {
  if (typeof XMLHttpRequest !== 'function') {
    throw new IpcError(ErrorName.Ipc, 'sendSync needs XMLHttpRequest (a browser); pass the syncRequest option elsewhere.');
  }

  const xhr = new XMLHttpRequest();
  xhr.open('POST', url, false);
  for (const [name, value] of Object.entries(headers)) {
    xhr.setRequestHeader(name, value);
  }

  xhr.setRequestHeader('Content-Type', 'application/octet-stream');
  try {
    xhr.send(body);
  } catch {
    return { status: 0, body: '' };
  }

  return { status: xhr.status, body: xhr.responseText };
}

function readMeta(name) {
  const document = globalThis.document;
  const element = document?.querySelector?.(`meta[name="${name}"]`);
  return element?.getAttribute('content') ?? undefined;
}

/** The WebSocket URL and the sendSync URL for an endpoint path or URL, resolved against the page's location. */
export function resolveEndpoint(endpoint, base) {
  const url = new URL(endpoint, base);
  if (url.protocol === 'http:') {
    url.protocol = 'ws:';
  } else if (url.protocol === 'https:') {
    url.protocol = 'wss:';
  }

  const sync = new URL(url.href);
  sync.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  sync.search = '';
  sync.hash = '';
  sync.pathname = `${sync.pathname.replace(/\/+$/, '')}/sync`;
  return { url: url.href, syncUrl: sync.href };
}

// ---------------------------------------------------------------------------------------------------------------
// The public entry point
// ---------------------------------------------------------------------------------------------------------------

function createIpcRenderer(session, connection) {
  const ipcRenderer = {
    /** Sends a one-way message to main's `IpcMain` listeners. */
    send(channel, ...args) {
      session.send(channel, args);
    },

    /** Invokes main's handler for `channel`; resolves with its result. */
    invoke(channel, ...args) {
      return session.invoke(channel, args, undefined);
    },

    /** Like `invoke`, with `{ signal, timeout }`: an abort or the time limit rejects and cancels main's handler. */
    invokeWithOptions(channel, options, ...args) {
      return session.invoke(channel, args, options ?? undefined);
    },

    /** Sends a message and blocks the page until a listener in main sets its return value. */
    sendSync(channel, ...args) {
      return session.sendSync(channel, args);
    },

    /** Sends a message with ports to main; main's listeners find them in `event.ports`. */
    postMessage(channel, message, transfer) {
      session.postMessage(channel, message, transfer);
    },

    on(channel, listener) {
      session.addListener(channel, listener, false);
      return ipcRenderer;
    },

    once(channel, listener) {
      session.addListener(channel, listener, true);
      return ipcRenderer;
    },

    addListener(channel, listener) {
      return ipcRenderer.on(channel, listener);
    },

    off(channel, listener) {
      session.removeListener(channel, listener);
      return ipcRenderer;
    },

    removeListener(channel, listener) {
      session.removeListener(channel, listener);
      return ipcRenderer;
    },

    removeAllListeners(channel) {
      session.removeAllListeners(channel);
      return ipcRenderer;
    },

    listenerCount(channel) {
      return session.listenerCount(channel);
    },

    listeners(channel) {
      return session.listeners(channel);
    },

    eventNames() {
      return session.eventNames();
    },

    /** Answers main's `WebContents.InvokeAsync` on `channel`; `handler(event, ...args)` may return a value or a Promise. */
    handle(channel, handler) {
      session.handle(channel, handler, false);
    },

    handleOnce(channel, handler) {
      session.handle(channel, handler, true);
    },

    removeHandler(channel) {
      session.removeHandler(channel);
    },

    /** Closes the link to main; pending calls reject, ports whose partners are elsewhere close. */
    close() {
      session.close();
    },

    get endpointId() {
      return connection.endpointId;
    },

    get kind() {
      return connection.kind;
    },

    get allowlist() {
      return session.allowlist;
    },

    get isDisconnected() {
      return session.isClosed;
    },
  };

  return ipcRenderer;
}

/**
 * Connects the page to main: opens the WebSocket, says hello, runs the preload with `(ipcRenderer, contextBridge)`,
 * sends `Ready`, and resolves with the connection. Rejects when main refuses, the link fails, the handshake takes
 * longer than `handshakeTimeout`, or the preload throws (main is told why).
 * @param {object} [options] see ipc-renderer.d.ts (`ConnectOptions`).
 */
export async function connect(options = {}) {
  const base = globalThis.location?.href;
  const endpoint = options.url ?? readMeta('ipc-bridge-endpoint');
  if (endpoint === undefined) {
    throw new TypeError('No endpoint: pass connect({ url }) or serve the page with its <meta name="ipc-bridge-endpoint"> tag.');
  }

  const resolved = resolveEndpoint(endpoint, base);
  const token = options.token ?? readMeta('ipc-bridge-token');
  const handshakeTimeout = checkTimeout(options.handshakeTimeout ?? 10_000);
  const settings = {
    token,
    syncUrl: options.syncUrl ?? resolved.syncUrl,
    syncRequest: options.syncRequest ?? syncXhr,
    invokeTimeout: options.invokeTimeout === undefined ? undefined : checkTimeout(options.invokeTimeout),
    channelTimeouts: options.channelTimeouts ?? null,
    maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    maxPendingCalls: options.maxPendingCalls ?? 10_000,
    onError: options.onError,
    endpointId: 0,
    ipcRenderer: null,
  };
  const createSocket = options.createSocket ?? ((url) => new WebSocket(url));
  const socket = createSocket(resolved.url);
  const session = new Session(socket, settings);
  const connection = { endpointId: 0, kind: 0, mainProcessId: 0 };

  let timer = null;
  const timedOut = new Promise((_, reject) => {
    if (handshakeTimeout !== Infinity) {
      timer = setTimeout(() => {
        const error = new IpcError(ErrorName.Timeout, `No welcome and ready within ${handshakeTimeout} ms (handshakeTimeout).`);
        reject(error);
        session.close(DisconnectReason.LocalClosed, error.message);
      }, handshakeTimeout);
    }
  });

  try {
    const welcome = await Promise.race([session.handshake(), timedOut]);
    connection.endpointId = welcome.endpointId;
    connection.kind = welcome.kind;
    connection.mainProcessId = welcome.mainProcessId;
    settings.endpointId = welcome.endpointId;
    const ipcRenderer = createIpcRenderer(session, connection);
    settings.ipcRenderer = ipcRenderer;
    const contextBridge = createContextBridge(options.world ?? globalThis);
    if (typeof options.preload === 'function') {
      try {
        await Promise.race([options.preload(ipcRenderer, contextBridge), timedOut]);
      } catch (error) {
        if (!session.isClosed) {
          session.preloadFailed(error);
        }

        throw error;
      }
    }

    if (session.isClosed) {
      throw session.closeReason;
    }

    session.ready();
    return Object.freeze({
      ipcRenderer,
      contextBridge,
      endpointId: connection.endpointId,
      kind: connection.kind,
      mainProcessId: connection.mainProcessId,
      allowlist: session.allowlist,
      closed: session.whenClosed(),
      close: () => session.close(),
    });
  } finally {
    clearTimeout(timer);
  }
}
