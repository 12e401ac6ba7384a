// Types for ipc-renderer.js: a web page as an IpcBridge renderer (docs/web.md).

/** The protocol version this client speaks. */
export declare const PROTOCOL_VERSION: 3;

/** Frame kinds; the numbers are part of the wire format (docs/protocol.md). */
export declare const FrameKind: Readonly<{
  Send: 1; SendSync: 2; Invoke: 3; Result: 4; Error: 5; Cancel: 6; PortMessage: 7; PortClose: 8; PortAck: 9;
  Goodbye: 10; PeerListen: 11; PeerConnect: 12; PortMove: 13; PortFence: 14; InvokeStream: 15; StreamItem: 16;
  StreamCredit: 17; Ready: 18; Hello: 0x40; Welcome: 0x41; Refused: 0x42;
}>;

/** The operations an allowlist grants per channel (flags, as IpcBridge.IpcOperation). */
export declare const IpcOperation: Readonly<{
  None: 0; Send: 1; SendSync: 2; Invoke: 4; Receive: 8; Ports: 16; Handle: 32; All: 63;
}>;

/** Why a call failed, as carried in an error body's `code`. */
export declare const ErrorCode: Readonly<{
  HandlerFailed: 0; NoHandler: 1; AccessDenied: 2; Serialization: 3; LimitExceeded: 4; Cancelled: 5;
}>;

/** Why a link ended. */
export declare const DisconnectReason: Readonly<{
  LocalClosed: 0; RemoteClosed: 1; MainDisposed: 2; ProtocolViolation: 3; StreamFailed: 4;
}>;

/** What a bounded port does when its receiver is full. */
export declare const QueueFullMode: Readonly<{ Wait: 0; DropOldest: 1; DropNewest: 2; Fail: 3 }>;

/** The `name` of the errors IpcBridge raises: the .NET exceptions' full type names. */
export declare const ErrorName: Readonly<{
  Ipc: 'IpcBridge.IpcException';
  AccessDenied: 'IpcBridge.IpcAccessDeniedException';
  Invocation: 'IpcBridge.IpcInvocationException';
  Timeout: 'IpcBridge.IpcTimeoutException';
  Disconnected: 'IpcBridge.IpcDisconnectedException';
  Serialization: 'IpcBridge.IpcSerializationException';
  QueueFull: 'IpcBridge.IpcQueueFullException';
  Protocol: 'IpcBridge.IpcProtocolException';
  Cancelled: 'System.OperationCanceledException';
}>;

export type IpcOperationFlags = number;
export type EndpointKind = 0 | 1 | 2;
export type QueueFullModeValue = 0 | 1 | 2 | 3;

/**
 * An IpcBridge failure. `name` is the .NET exception's full type name; for a handler in main that threw, it is the type
 * it threw (for example `System.InvalidOperationException`), `message` is its message and `stack` its stack text.
 */
export declare class IpcError extends Error {
  constructor(name: string, message: string, fields?: object);
  /** The channel of the call or message, where there is one. */
  channel?: string;
  /** `'HandlerFailed' | 'NoHandler' | 'AccessDenied' | 'Serialization' | 'LimitExceeded' | 'Cancelled'` for remote errors. */
  code?: string;
  /** For access denials: the operation refused (IpcOperation flags). */
  operation?: number;
  /** For disconnections: why the link ended (DisconnectReason). */
  reason?: number;
  reasonName?: string;
  /** For a remote handler's failure: the .NET type it threw, and its stack text as main sent it. */
  remoteType?: string | null;
  remoteMessage?: string;
  remoteStack?: string;
  /** For time limits: the limit in milliseconds. */
  timeout?: number;
}

/** A value that can cross to .NET: JSON values, with binary (ArrayBuffer, typed arrays, DataView) anywhere inside. */
export type IpcValue = unknown;

/** Options of one invoke. */
export interface InvokeOptions {
  /** Aborting it rejects the call with the signal's reason and cancels main's handler (its CancellationToken). */
  signal?: AbortSignal;
  /** A time limit in milliseconds (Infinity for none); overrides `channelTimeouts` and `invokeTimeout`. On expiry the call rejects with `IpcBridge.IpcTimeoutException` and main's handler is cancelled. */
  timeout?: number;
}

/** The event of a listener for main's messages. */
export interface IpcRendererEvent {
  /** The page's ipcRenderer. */
  readonly sender: IpcRenderer;
  /** Always 0: messages to a page come from main. */
  readonly senderId: 0;
  readonly channel: string;
  /** The ports main transferred with the message (`WebContents.PostMessage`). */
  readonly ports: readonly IpcMessagePort[];
}

/** The event of a handler answering main's `WebContents.InvokeAsync`. */
export interface IpcRendererInvokeEvent {
  readonly sender: IpcRenderer;
  readonly senderId: 0;
  readonly channel: string;
  /** Aborted when main cancels the call (its time limit or token) or the link ends. */
  readonly signal: AbortSignal;
}

export type IpcRendererListener = (event: IpcRendererEvent, ...args: any[]) => void;
export type IpcRendererHandler = (event: IpcRendererInvokeEvent, ...args: any[]) => unknown;

/** Electron's `ipcRenderer`, for a page. Every operation is checked against the allowlist main sent in its welcome. */
export interface IpcRenderer {
  /** Sends a one-way message to main's IpcMain listeners. Throws `IpcBridge.IpcAccessDeniedException` when not allowed. */
  send(channel: string, ...args: IpcValue[]): void;
  /** Invokes main's handler for `channel` and resolves with its result. */
  invoke<T = any>(channel: string, ...args: IpcValue[]): Promise<T>;
  /** Like `invoke`, with an AbortSignal and a time limit: `invokeWithOptions('files:read', { signal, timeout: 5000 }, path)`. */
  invokeWithOptions<T = any>(channel: string, options: InvokeOptions | null | undefined, ...args: IpcValue[]): Promise<T>;
  /** Sends a message and blocks the page (a synchronous XMLHttpRequest) until a listener in main sets its return value. */
  sendSync<T = any>(channel: string, ...args: IpcValue[]): T;
  /** Sends a message with ports to main; main's listeners find them in `event.Ports`. Needs Send (and Ports, with ports). */
  postMessage(channel: string, message: IpcValue, transfer?: IpcMessagePort[]): void;
  on(channel: string, listener: IpcRendererListener): this;
  once(channel: string, listener: IpcRendererListener): this;
  addListener(channel: string, listener: IpcRendererListener): this;
  off(channel: string, listener: IpcRendererListener): this;
  removeListener(channel: string, listener: IpcRendererListener): this;
  removeAllListeners(channel?: string): this;
  listenerCount(channel: string): number;
  listeners(channel: string): IpcRendererListener[];
  eventNames(): string[];
  /** Answers main's invokes on `channel`; a thrown error or rejected promise reaches main as IpcInvocationException. */
  handle(channel: string, handler: IpcRendererHandler): void;
  handleOnce(channel: string, handler: IpcRendererHandler): void;
  removeHandler(channel: string): void;
  /** Closes the link to main: main destroys the page's WebContents; pending calls reject. */
  close(): void;
  readonly endpointId: number;
  readonly kind: EndpointKind;
  readonly allowlist: ChannelAllowlist;
  readonly isDisconnected: boolean;
}

/** Electron's `contextBridge`. */
export interface ContextBridge {
  /** Puts a deep-frozen copy of `api` on the page's global object (`window[key]`); throws when `key` is taken. */
  exposeInMainWorld(key: string, api: unknown): void;
}

export interface ConnectOptions {
  /** The endpoint: a path or URL (`/ipc`, `ws://localhost:5000/ipc?role=left`). Default: `<meta name="ipc-bridge-endpoint">`, resolved against the page. */
  url?: string;
  /** The page token. Default: `<meta name="ipc-bridge-token">`. */
  token?: string;
  /** Runs after the welcome and before Ready; main sends nothing to the page until it returned (or its promise resolved). */
  preload?: (ipcRenderer: IpcRenderer, contextBridge: ContextBridge) => void | Promise<void>;
  /** Hello to Ready, in milliseconds. Default 10000. */
  handshakeTimeout?: number;
  /** The default time limit of invokes, in milliseconds. Default: none. */
  invokeTimeout?: number;
  /** Time limits per channel, in milliseconds (Infinity for none). */
  channelTimeouts?: Record<string, number>;
  /** The largest frame this page writes or reads (bytes after the length prefix). Default 64 MiB, as main's MaxFrameSize. */
  maxFrameSize?: number;
  /** Calls waiting for an answer at once. Default 10000. */
  maxPendingCalls?: number;
  /** Where failures nobody awaits go (a listener that threw, a message refused). Default: `reportError`, else `console.error`. */
  onError?: (error: unknown) => void;
  /** The object `contextBridge.exposeInMainWorld` writes to. Default: `globalThis`. */
  world?: object;
  /** Makes the socket (tests, or a WebView's own socket). Default: `new WebSocket(url)`. */
  createSocket?: (url: string) => WebSocketLike;
  /** The sendSync route. Default: the endpoint's path + `/sync`, over http(s). */
  syncUrl?: string;
  /** Performs the synchronous request of sendSync. Default: a synchronous XMLHttpRequest. */
  syncRequest?: (url: string, headers: Record<string, string>, body: Uint8Array) => { status: number; body: string };
}

/** What connect needs of a socket: the WebSocket API's binary subset. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: ArrayBuffer | string }) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: any) => void) | null;
}

export interface RendererConnection {
  readonly ipcRenderer: IpcRenderer;
  readonly contextBridge: ContextBridge;
  readonly endpointId: number;
  readonly kind: EndpointKind;
  readonly mainProcessId: number;
  readonly allowlist: ChannelAllowlist;
  /** Resolves, with the disconnected error, when the link ends. */
  readonly closed: Promise<IpcError>;
  close(): void;
}

/**
 * Connects the page to main: opens the WebSocket, says hello with the page token, runs the preload, sends Ready.
 * Rejects when main refuses (`IpcBridge.IpcProtocolException`), the handshake times out, the link fails, or the preload
 * throws (main is told why).
 */
export declare function connect(options?: ConnectOptions): Promise<RendererConnection>;

/** The channels the page may use, per operation: the same rules as .NET's ChannelAllowlist. */
export declare class ChannelAllowlist {
  constructor(allowAll?: boolean, rules?: ReadonlyArray<{ operations: number | string; pattern: string }>);
  static denyAll(): ChannelAllowlist;
  static allowAll(): ChannelAllowlist;
  static fromWelcome(welcome: { allowAll?: boolean; rules?: ReadonlyArray<{ operations: number | string; pattern: string }> | null }): ChannelAllowlist;
  readonly allowsEverything: boolean;
  readonly rules: { operations: number; pattern: string }[];
  isAllowed(operation: IpcOperationFlags, channel: string): boolean;
  toString(): string;
}

export interface QueueLimit {
  capacity: number;
  fullMode?: QueueFullModeValue;
}

/** The event a port dispatches for a message (the web's MessageEvent shape). */
export declare class IpcMessageEvent extends Event {
  readonly data: any;
  readonly ports: readonly IpcMessagePort[];
  readonly origin: '';
  readonly lastEventId: '';
  readonly source: null;
}

interface IpcMessagePortEventMap {
  message: IpcMessageEvent;
  close: Event;
}

/** One end of an IpcMessageChannel, following the web's MessagePort. */
export declare class IpcMessagePort extends EventTarget {
  private constructor();
  /** Setting a handler starts the port, as on the web. */
  onmessage: ((this: IpcMessagePort, event: IpcMessageEvent) => void) | null;
  onclose: ((this: IpcMessagePort, event: Event) => void) | null;
  /** Posts to the other end; ports in `transfer` move with the message and become unusable here. */
  postMessage(message: IpcValue, transfer?: IpcMessagePort[] | { transfer?: IpcMessagePort[] }): void;
  /** Starts delivering queued messages (addEventListener alone does not). */
  start(): void;
  /** Closes this end; the other end fires `close`. */
  close(): void;
  readonly limit: Readonly<Required<QueueLimit>> | null;
  readonly droppedCount: number;
  readonly waitingCount: number;
  addEventListener<K extends keyof IpcMessagePortEventMap>(type: K, listener: (this: IpcMessagePort, event: IpcMessagePortEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof IpcMessagePortEventMap>(type: K, listener: (this: IpcMessagePort, event: IpcMessagePortEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** Two entangled ports; `limit` bounds both directions (`{ capacity, fullMode }`). */
export declare class IpcMessageChannel {
  constructor(limit?: QueueLimit);
  readonly port1: IpcMessagePort;
  readonly port2: IpcMessagePort;
}

/** A decoded frame. */
export interface Frame {
  kind: number;
  callId: number | bigint;
  portId: bigint;
  channel: string;
  /** Transferred ports as flat (id, partner id, limit) triples. */
  ports: bigint[] | null;
  json: Uint8Array;
  segments: Uint8Array[];
  trace: Uint8Array | null;
}

export interface FrameInit {
  kind: number;
  callId?: number | bigint;
  portId?: number | bigint;
  channel?: string;
  ports?: ReadonlyArray<number | bigint> | null;
  json?: Uint8Array | null;
  segments?: ReadonlyArray<Uint8Array> | null;
  trace?: Uint8Array | null;
}

/** Encodes a frame, length prefix included. */
export declare function encodeFrame(frame: FrameInit): Uint8Array;
/** Decodes exactly one frame (length prefix included); throws `IpcBridge.IpcProtocolException` on malformed input. */
export declare function decodeFrame(data: ArrayBuffer | Uint8Array, maxFrameSize?: number): Frame;
/** Decodes a frame's body (after the length prefix). */
export declare function decodeFrameBody(bytes: Uint8Array): Frame;
export declare function encodeVarint(value: number | bigint): Uint8Array;
export declare function decodeVarint(bytes: Uint8Array, offset?: number): { value: number | bigint; next: number };
export declare function varintSize(value: number | bigint): number;
/** Encodes a value as JSON plus binary segments (`{"$bin":N}`). */
export declare function encodePayload(value: IpcValue, what?: string): { json: Uint8Array; segments: Uint8Array[] };
/** Decodes JSON plus binary segments; binary values read back as Uint8Array. */
export declare function decodePayload(json: Uint8Array, segments?: ReadonlyArray<Uint8Array>, what?: string): any;
export declare function encodeQueueLimit(limit: Required<QueueLimit> | null | undefined): number;
export declare function decodeQueueLimit(code: number | bigint): Readonly<Required<QueueLimit>> | null;
/** The Error a caller receives for an error body. */
export declare function errorFromBody(channel: string, body: { code?: number; message?: string; type?: string; stack?: string; operation?: number }): IpcError;
/** The error body main receives for what a handler threw. */
export declare function bodyFromError(thrown: unknown, code?: number): { code: number; message: string; type: string; stack?: string };
/** A deep-frozen copy of an API, as exposeInMainWorld puts on the page. */
export declare function freezeApi<T>(api: T): T;
/** The WebSocket URL and the sendSync URL for an endpoint path or URL. */
export declare function resolveEndpoint(endpoint: string, base?: string): { url: string; syncUrl: string };
