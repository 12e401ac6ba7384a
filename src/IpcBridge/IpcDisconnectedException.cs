using System;

namespace IpcBridge;

/// <summary>Why a connection between two endpoints ended.</summary>
public enum DisconnectReason
{
    /// <summary>The local side closed or disposed the connection.</summary>
    LocalClosed = 0,

    /// <summary>The remote endpoint closed the connection or was destroyed.</summary>
    RemoteClosed = 1,

    /// <summary>The main process was disposed.</summary>
    MainDisposed = 2,

    /// <summary>The peer broke the wire protocol and was disconnected.</summary>
    ProtocolViolation = 3,

    /// <summary>The peer's process exited or crashed, or the stream failed.</summary>
    StreamFailed = 4,
}

/// <summary>Thrown when a call cannot complete because the connection to the other endpoint is gone.</summary>
public class IpcDisconnectedException : IpcException
{
    /// <summary>Creates an exception with the reason the connection ended.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="reason">Why the connection ended.</param>
    /// <param name="innerException">The cause, if any.</param>
    public IpcDisconnectedException(string message, DisconnectReason reason, Exception? innerException = null)
        : base(message, innerException)
    {
        this.Reason = reason;
    }

    /// <summary>Gets why the connection ended.</summary>
    public DisconnectReason Reason { get; }
}
