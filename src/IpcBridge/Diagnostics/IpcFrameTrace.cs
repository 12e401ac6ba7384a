using System;

namespace IpcBridge;

/// <summary>Which way a traced frame went.</summary>
public enum IpcTraceDirection
{
    /// <summary>Written by this side.</summary>
    Sent,

    /// <summary>Read by this side.</summary>
    Received,
}

/// <summary>
/// One frame seen by the opt-in IPC trace (<see cref="IpcBridgeOptions.FrameTrace"/>): what devtools extensions for
/// Electron show, for every message, call, answer and port message on a link.
/// </summary>
public sealed class IpcFrameTrace
{
    internal IpcFrameTrace(IpcTraceDirection direction, int endpointId, string kind, string channel, long callId, int size, TimeSpan? latency)
    {
        this.Direction = direction;
        this.EndpointId = endpointId;
        this.Kind = kind;
        this.Channel = channel;
        this.CallId = callId;
        this.Size = size;
        this.Latency = latency;
        this.Timestamp = DateTimeOffset.UtcNow;
    }

    /// <summary>Gets which way the frame went.</summary>
    public IpcTraceDirection Direction { get; }

    /// <summary>Gets the id of the renderer or work endpoint whose link carried the frame.</summary>
    public int EndpointId { get; }

    /// <summary>Gets the frame kind (<c>Send</c>, <c>Invoke</c>, <c>Result</c>, <c>PortMessage</c>, ...; see docs/protocol.md).</summary>
    public string Kind { get; }

    /// <summary>Gets the channel, or the channel of the call an answer belongs to; empty for port and control frames.</summary>
    public string Channel { get; }

    /// <summary>Gets the call id pairing a call with its answer, or 0.</summary>
    public long CallId { get; }

    /// <summary>Gets the payload size in bytes.</summary>
    public int Size { get; }

    /// <summary>Gets, for an answer, how long after its call it was sent or received; otherwise <see langword="null"/>.</summary>
    public TimeSpan? Latency { get; }

    /// <summary>Gets when the frame was traced.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <inheritdoc />
    public override string ToString()
        => $"{(this.Direction == IpcTraceDirection.Sent ? "->" : "<-")} #{this.EndpointId} {this.Kind} '{this.Channel}' {this.Size} B" +
           (this.CallId != 0 ? $" call {this.CallId}" : string.Empty) +
           (this.Latency is { } latency ? $" after {latency.TotalMilliseconds:0.###} ms" : string.Empty);
}
