using System;

namespace IpcBridge.Protocol;

/// <summary>The body of an Error frame.</summary>
internal sealed class ErrorPayload
{
    public ErrorCode Code { get; set; }

    public string Message { get; set; } = string.Empty;

    public string? Type { get; set; }

    public string? Stack { get; set; }

    public IpcOperation Operation { get; set; }

    /// <summary>The exception the caller of a call on <paramref name="channel"/> gets for this error.</summary>
    public Exception ToException(string channel) => this.Code switch
    {
        ErrorCode.AccessDenied => new IpcAccessDeniedException(channel, this.Operation),
        ErrorCode.Serialization => new IpcSerializationException($"Serialization failed at the other end of channel '{channel}': {this.Message}"),
        ErrorCode.LimitExceeded => new IpcQueueFullException($"The receiver on channel '{channel}' refused the call: {this.Message}"),
        ErrorCode.NoHandler => new IpcInvocationException(channel, this.Message),
        ErrorCode.Cancelled => new OperationCanceledException($"The handler for '{channel}' was cancelled: {this.Message}"),
        _ => new IpcInvocationException(channel, $"Error invoking remote method '{channel}': {this.Type}: {this.Message}", this.Type, this.Message, this.Stack),
    };
}
