using IpcBridge.Protocol;

namespace IpcBridge.Transport;

/// <summary>What a transport delivers inbound frames to: the connection on top of it.</summary>
internal interface IFrameReceiver
{
    /// <summary>Receives one frame. Called in order for a link; must not block or run user code.</summary>
    void OnFrame(Frame frame);

    /// <summary>Called once when the transport can carry no more frames.</summary>
    void OnTransportClosed(IpcDisconnectedException reason);
}
