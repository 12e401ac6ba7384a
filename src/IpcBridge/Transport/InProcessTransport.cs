using System;
using System.Threading;
using IpcBridge.Protocol;

namespace IpcBridge.Transport;

/// <summary>
/// The transport for endpoints in one process. A written frame is handed straight to the peer connection,
/// which queues it on its endpoint's <see cref="FrameDispatcher"/>; no user code
/// runs on the writer's thread. Payloads are already serialized bytes, so nothing is shared but immutable data.
/// </summary>
internal sealed class InProcessTransport : IFrameTransport
{
    private readonly object gate = new();
    private InProcessTransport? peer;
    private IFrameReceiver? receiver;
    private IpcDisconnectedException? closedReason;

    private InProcessTransport()
    {
    }

    public static (InProcessTransport First, InProcessTransport Second) CreatePair()
    {
        var a = new InProcessTransport();
        var b = new InProcessTransport();
        a.peer = b;
        b.peer = a;
        return (a, b);
    }

    public System.Threading.Tasks.Task Completion => System.Threading.Tasks.Task.CompletedTask;

    public void Start(IFrameReceiver receiver)
    {
        lock (this.gate)
        {
            if (this.receiver is not null)
            {
                throw new InvalidOperationException("The transport is already started.");
            }

            this.receiver = receiver;
        }
    }

    public void Write(Frame frame)
    {
        IpcDisconnectedException? closed = Volatile.Read(ref this.closedReason);
        if (closed is not null)
        {
            throw new IpcDisconnectedException(closed.Message, closed.Reason, closed);
        }

        IFrameReceiver target = this.peer!.receiver ?? throw new InvalidOperationException("The peer transport is not started.");
        target.OnFrame(frame);
    }

    public void Close(IpcDisconnectedException reason)
    {
        var remote = new IpcDisconnectedException("The other endpoint closed the connection.", reason.Reason == DisconnectReason.LocalClosed ? DisconnectReason.RemoteClosed : reason.Reason);
        this.peer!.CloseLocal(remote);
        this.CloseLocal(reason);
    }

    private void CloseLocal(IpcDisconnectedException reason)
    {
        IFrameReceiver? target;
        lock (this.gate)
        {
            if (this.closedReason is not null)
            {
                return;
            }

            Volatile.Write(ref this.closedReason, reason);
            target = this.receiver;
        }

        target?.OnTransportClosed(reason);
    }
}
