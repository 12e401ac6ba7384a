using IpcBridge.Protocol;

namespace IpcBridge.Transport;

/// <summary>
/// Moves frames between one pair of endpoints, in order. A transport knows nothing of channels, handlers or
/// allowlists; the connection on top of it does.
/// </summary>
internal interface IFrameTransport
{
    /// <summary>Begins delivering inbound frames to <paramref name="receiver"/>.</summary>
    void Start(IFrameReceiver receiver);

    /// <summary>Queues a frame for the peer without blocking.</summary>
    /// <exception cref="IpcDisconnectedException">The transport is closed.</exception>
    void Write(Frame frame);

    /// <summary>Gets a task that completes when the transport has released everything it holds (streams, loops).</summary>
    System.Threading.Tasks.Task Completion { get; }

    /// <summary>Closes both directions; the peer's receiver learns of it, and so does ours.</summary>
    void Close(IpcDisconnectedException reason);
}
