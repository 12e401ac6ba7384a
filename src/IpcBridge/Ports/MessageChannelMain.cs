namespace IpcBridge;

/// <summary>
/// A pair of entangled <see cref="MessagePortMain"/>s (Electron's <c>MessageChannelMain</c>): what is posted on one
/// arrives at the other. Create it in main, a renderer or a work endpoint, then transfer the ports to where they are
/// needed (<see cref="WebContents.PostMessage"/>, <see cref="IpcRenderer.PostMessage"/>, <see cref="MessagePortMain.PostMessage"/>).
/// </summary>
public sealed class MessageChannelMain
{
    /// <summary>Creates a new entangled pair with unbounded queues.</summary>
    public MessageChannelMain()
        : this(null)
    {
    }

    /// <summary>Creates a new entangled pair whose ports bound how many messages may wait at the receiver.</summary>
    /// <param name="limit">The bound for both directions, or <see langword="null"/> for unbounded.</param>
    public MessageChannelMain(QueueLimit? limit)
    {
        (this.Port1, this.Port2) = MessagePortMain.CreatePair(limit);
    }

    /// <summary>Gets the first port.</summary>
    public MessagePortMain Port1 { get; }

    /// <summary>Gets the second port.</summary>
    public MessagePortMain Port2 { get; }
}
