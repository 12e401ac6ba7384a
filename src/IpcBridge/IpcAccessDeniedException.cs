namespace IpcBridge;

/// <summary>
/// Thrown when an endpoint's channel allowlist does not permit an operation on a channel. The renderer side
/// throws it before anything is sent; main re-checks every inbound frame and answers a denied invoke or sync
/// send with this error.
/// </summary>
public class IpcAccessDeniedException : IpcException
{
    /// <summary>Creates an exception naming the channel and the refused operation.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="operation">The refused operation.</param>
    public IpcAccessDeniedException(string channel, IpcOperation operation)
        : base($"The channel allowlist does not permit {operation} on channel '{channel}'.")
    {
        this.Channel = channel;
        this.Operation = operation;
    }

    /// <summary>Gets the channel.</summary>
    public string Channel { get; }

    /// <summary>Gets the refused operation.</summary>
    public IpcOperation Operation { get; }
}
