namespace IpcBridge;

/// <summary>Thrown when a bounded queue with <see cref="QueueFullMode.Fail"/> has no room.</summary>
public class IpcQueueFullException : IpcException
{
    /// <summary>Creates an exception naming the full queue.</summary>
    /// <param name="message">Which queue is full.</param>
    public IpcQueueFullException(string message)
        : base(message)
    {
    }
}
