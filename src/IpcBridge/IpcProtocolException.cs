using System;

namespace IpcBridge;

/// <summary>Thrown or reported when a peer breaks the wire protocol; the offending peer is disconnected.</summary>
public class IpcProtocolException : IpcException
{
    /// <summary>Creates an exception describing the violation.</summary>
    /// <param name="message">What the peer did wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public IpcProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
