using System;
using System.Diagnostics;

namespace IpcBridge.Protocol;

/// <summary>
/// One unit on the wire. Frames are immutable and own their payload bytes: once written, the sender never
/// touches them again, so a receiver in the same process can read them without copying and still never see
/// the sender's objects.
/// </summary>
/// <remarks>
/// The header has two number fields, <see cref="CallId"/> and <see cref="PortId"/>. A few kinds put something else in
/// them; those are built with the named factories below and read through the named accessors (<see cref="AckCount"/>,
/// <see cref="CreditCount"/>, <see cref="InitialCredit"/>, <see cref="GoodbyeReason"/>), so no reader has to know which
/// field a kind reuses.
/// </remarks>
internal sealed class Frame
{
    private readonly TraceHolder? trace;

    public Frame(FrameKind kind, long callId, string channel, ReadOnlyMemory<byte> payload, TransferredPort[]? ports = null, long portId = 0, ActivityContext trace = default)
    {
        // Most frames carry no trace: keep the context (some 40 bytes) out of line, allocated only for those that do.
        this.trace = trace == default ? null : new TraceHolder(trace);
        this.Kind = kind;
        this.CallId = callId;
        this.Channel = channel;
        this.Payload = payload;
        this.Ports = ports;
        this.PortId = portId;
    }

    public FrameKind Kind { get; }

    /// <summary>Gets the id that pairs a call (SendSync, Invoke, InvokeStream) with its Result, Error, Cancel, StreamItem and StreamCredit frames; 0 for one-way frames.</summary>
    public long CallId { get; }

    /// <summary>Gets the channel name; empty for Result, Error, Cancel and port frames.</summary>
    public string Channel { get; }

    /// <summary>Gets the UTF-8 JSON payload: an array of arguments, one value, or an error.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets the ports transferred with this frame, or <see langword="null"/>.</summary>
    public TransferredPort[]? Ports { get; }

    /// <summary>Gets the port a PortMessage, PortClose, PortAck or PortFence frame is for.</summary>
    public long PortId { get; }

    /// <summary>Gets how many more messages the receiver of a <see cref="FrameKind.PortAck"/> may send (clamped to an <see cref="int"/>).</summary>
    public int AckCount => (int)Math.Min(this.CallId, int.MaxValue);

    /// <summary>Gets how many more items the producer of a <see cref="FrameKind.StreamCredit"/>'s stream may send, as the peer wrote it (the receiver checks it).</summary>
    public long CreditCount => this.PortId;

    /// <summary>Gets how many items the caller of an <see cref="FrameKind.InvokeStream"/> lets the producer send at first, as the peer wrote it.</summary>
    public long InitialCredit => this.PortId;

    /// <summary>Gets the <see cref="DisconnectReason"/> number a <see cref="FrameKind.Goodbye"/> gives, as the peer wrote it.</summary>
    public long GoodbyeReason => this.CallId;

    /// <summary>Gets the W3C trace context of the caller's span, carried by calls; <c>default</c> when there is none.</summary>
    public ActivityContext Trace => this.trace?.Context ?? default;

    /// <summary>A message for port <paramref name="portId"/>, carrying <paramref name="ports"/>.</summary>
    public static Frame PortMessage(long portId, ReadOnlyMemory<byte> payload, TransferredPort[]? ports)
        => new(FrameKind.PortMessage, 0, string.Empty, payload, ports, portId);

    /// <summary>The partner of port <paramref name="portId"/> was closed.</summary>
    public static Frame PortClose(long portId) => new(FrameKind.PortClose, 0, string.Empty, ReadOnlyMemory<byte>.Empty, null, portId);

    /// <summary>The partner of port <paramref name="portId"/> handled <paramref name="count"/> more messages.</summary>
    public static Frame PortAck(long portId, int count) => new(FrameKind.PortAck, count, string.Empty, ReadOnlyMemory<byte>.Empty, null, portId);

    /// <summary>The last frame for port <paramref name="portId"/> on the route it is written on.</summary>
    public static Frame PortFence(long portId) => new(FrameKind.PortFence, 0, string.Empty, ReadOnlyMemory<byte>.Empty, null, portId);

    /// <summary>A call (SendSync, Invoke, or a main-to-endpoint request) numbered <paramref name="callId"/>.</summary>
    public static Frame Call(FrameKind kind, long callId, string channel, ReadOnlyMemory<byte> payload, TransferredPort[]? ports, ActivityContext trace)
        => new(kind, callId, channel, payload, ports, 0, trace);

    /// <summary>A request for a stream whose producer may send <paramref name="initialCredit"/> items at first.</summary>
    public static Frame InvokeStream(long callId, string channel, ReadOnlyMemory<byte> payload, int initialCredit, ActivityContext trace)
        => new(FrameKind.InvokeStream, callId, channel, payload, null, initialCredit, trace);

    /// <summary>The successful answer to call <paramref name="callId"/>.</summary>
    public static Frame Result(long callId, ReadOnlyMemory<byte> payload) => new(FrameKind.Result, callId, string.Empty, payload);

    /// <summary>The failed answer to call <paramref name="callId"/>; <paramref name="body"/> is an <see cref="ErrorPayload"/>.</summary>
    public static Frame Error(long callId, ReadOnlyMemory<byte> body) => new(FrameKind.Error, callId, string.Empty, body);

    /// <summary>The caller no longer wants the answer to call <paramref name="callId"/>.</summary>
    public static Frame Cancel(long callId) => new(FrameKind.Cancel, callId, string.Empty, ReadOnlyMemory<byte>.Empty);

    /// <summary>One item of the stream answering call <paramref name="callId"/>.</summary>
    public static Frame StreamItem(long callId, ReadOnlyMemory<byte> item) => new(FrameKind.StreamItem, callId, string.Empty, item);

    /// <summary>The caller of stream <paramref name="callId"/> consumed <paramref name="count"/> more items.</summary>
    public static Frame StreamCredit(long callId, int count) => new(FrameKind.StreamCredit, callId, string.Empty, ReadOnlyMemory<byte>.Empty, null, count);

    /// <summary>An endpoint's preload returned (an empty <paramref name="body"/>) or threw (an <see cref="ErrorPayload"/>).</summary>
    public static Frame Ready(ReadOnlyMemory<byte> body) => new(FrameKind.Ready, 0, string.Empty, body);

    /// <summary>The sender closes the link for <paramref name="reason"/>; nothing follows.</summary>
    public static Frame Goodbye(DisconnectReason reason) => new(FrameKind.Goodbye, (long)reason, string.Empty, ReadOnlyMemory<byte>.Empty);

    public override string ToString() => $"{this.Kind} #{this.CallId} '{this.Channel}' {this.Payload.Length} B";

    private sealed class TraceHolder
    {
        public TraceHolder(ActivityContext context) => this.Context = context;

        public ActivityContext Context { get; }
    }
}
