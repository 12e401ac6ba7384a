namespace IpcBridge;

/// <summary>
/// A pair of entangled <see cref="MessagePortMain"/>s (Electron's <c>MessageChannelMain</c>): what is posted on one
/// arrives at the other. Create it in main, a renderer or a work endpoint, then transfer the ports to where they are
/// needed (<see cref="WebContents.PostMessage"/>, <see cref="IpcRenderer.PostMessage"/>, <see cref="MessagePortMain.PostMessage"/>).
/// </summary>
public sealed class MessageChannelMain
{
    /// <summary>Creates a new entangled pair.</summary>
    public MessageChannelMain()
    {
        (this.Port1, this.Port2) = MessagePortMain.CreatePair();
    }

    /// <summary>Gets the first port.</summary>
    public MessagePortMain Port1 { get; }

    /// <summary>Gets the second port.</summary>
    public MessagePortMain Port2 { get; }
}
