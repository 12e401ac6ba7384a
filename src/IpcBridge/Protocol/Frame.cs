using System;
using System.Diagnostics;

namespace IpcBridge.Protocol;

/// <summary>
/// One unit on the wire. Frames are immutable and own their payload bytes: once written, the sender never
/// touches them again, so a receiver in the same process can read them without copying and still never see
/// the sender's objects.
/// </summary>
internal sealed class Frame
{
    private readonly TraceHolder? trace;

    public Frame(FrameKind kind, long callId, string channel, ReadOnlyMemory<byte> payload, long[]? ports = null, long portId = 0, ActivityContext trace = default)
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

    /// <summary>Gets the id that pairs a call (SendSync, Invoke) with its Result, Error or Cancel; 0 for one-way frames.</summary>
    public long CallId { get; }

    /// <summary>Gets the channel name; empty for Result, Error, Cancel and port frames.</summary>
    public string Channel { get; }

    /// <summary>Gets the UTF-8 JSON payload: an array of arguments, one value, or an error.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets the ports transferred with this frame as triples (port id, partner id, encoded <see cref="QueueLimit"/>), or <see langword="null"/>.</summary>
    public long[]? Ports { get; }

    /// <summary>Gets the port a PortMessage or PortClose frame is for.</summary>
    public long PortId { get; }

    /// <summary>Gets the W3C trace context of the caller's span, carried by calls; <c>default</c> when there is none.</summary>
    public ActivityContext Trace => this.trace?.Context ?? default;

    public override string ToString() => $"{this.Kind} #{this.CallId} '{this.Channel}' {this.Payload.Length} B";

    private sealed class TraceHolder
    {
        public TraceHolder(ActivityContext context) => this.Context = context;

        public ActivityContext Context { get; }
    }
}
