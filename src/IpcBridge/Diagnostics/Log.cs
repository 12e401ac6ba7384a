using System;
using IpcBridge.Protocol;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Diagnostics;

/// <summary>Every log message IpcBridge writes, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "A listener on channel '{Channel}' threw; the other listeners still ran.")]
    public static partial void ListenerFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Denied {Operation} on channel '{Channel}' from endpoint {EndpointId} ({Kind}): not in its allowlist. The frame was dropped.")]
    public static partial void FrameDenied(ILogger logger, IpcOperation operation, string channel, int endpointId, EndpointKind kind);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Disconnecting a peer that broke the protocol: {What}.")]
    public static partial void ProtocolViolation(ILogger logger, string what);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Dropped a {Kind} frame for call {CallId}: the link is closed.")]
    public static partial void AnswerDropped(ILogger logger, FrameKind kind, long callId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Dropped a {Kind} frame on channel '{Channel}' that arrived after the endpoint shut down.")]
    public static partial void FrameAfterShutdown(ILogger logger, FrameKind kind, string channel);

    [LoggerMessage(EventId = 6, Level = LogLevel.Critical, Message = "The dispatch loop caught an unexpected exception.")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "A handler for event '{EventName}' threw.")]
    public static partial void EventHandlerFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Could not read the message on channel '{Channel}' for a typed listener; that listener was skipped.")]
    public static partial void ListenerArgumentsUnreadable(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Dropped a {Kind} frame on channel '{Channel}': the inbound queue is full ({Capacity}, {Mode}).")]
    public static partial void InboundFrameDropped(ILogger logger, FrameKind kind, string channel, int capacity, QueueFullMode mode);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "{Refusal}")]
    public static partial void HandshakeRefused(ILogger logger, string refusal);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Dropped a frame for port {PortId}: too many held back while its route changed (to a direct link, or away from a holder that handed it on).")]
    public static partial void PortFrameDropped(ILogger logger, long portId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Could not give endpoints {First} and {Second} a direct link for their ports; their port traffic stays routed through main.")]
    public static partial void PeerLinkFailed(ILogger logger, int first, int second, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Killing the child process of endpoint {EndpointId}: {Reason}")]
    public static partial void ChildKilled(ILogger logger, int endpointId, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "A renderer dropped a {Operation} frame on channel '{Channel}' outside its allowlist.")]
    public static partial void RendererFrameDenied(ILogger logger, IpcOperation operation, string channel);

    [LoggerMessage(EventId = 16, Level = LogLevel.Debug, Message = "Closed {Count} port(s) that came on channel '{Channel}', where no listener took them; their partners see them close.")]
    public static partial void UnclaimedPortsClosed(ILogger logger, int count, string channel);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "The preload of this endpoint threw; the endpoint closes its link to main without becoming ready.")]
    public static partial void PreloadFailed(ILogger logger, Exception exception);
}
