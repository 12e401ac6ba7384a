namespace IpcBridge;

/// <summary>
/// Thrown when a bounded queue has no room: by <see cref="MessagePortMain.PostMessage"/> on a port bounded with
/// <see cref="QueueFullMode.Fail"/>, and by a call (<see cref="IpcRenderer.InvokeAsync{TResult}(string, object?[])"/>,
/// <see cref="IpcRenderer.SendSync(string, object?[])"/>) that the receiver's <see cref="IpcBridgeOptions.InboundQueueLimit"/>
/// could not take under any mode but <see cref="QueueFullMode.Wait"/>.
/// </summary>
public class IpcQueueFullException : IpcException
{
    /// <summary>Creates an exception naming the full queue.</summary>
    /// <param name="message">Which queue is full.</param>
    public IpcQueueFullException(string message)
        : base(message)
    {
    }
}
