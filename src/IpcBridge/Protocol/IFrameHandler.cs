namespace IpcBridge.Protocol;

/// <summary>The endpoint logic on top of a connection: what to do with requests, and with the end of the link.</summary>
internal interface IFrameHandler
{
    /// <summary>Handles a request frame (Send, SendSync, Invoke, port frames) on the endpoint's dispatcher.</summary>
    void HandleFrame(IpcConnection connection, Frame frame);

    /// <summary>Called once on the endpoint's dispatcher, after every frame that arrived before the link ended.</summary>
    void HandleClosed(IpcConnection connection, IpcDisconnectedException reason);
}
