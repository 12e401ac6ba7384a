using System.Threading;
using System.Threading.Channels;
using IpcBridge.Protocol;

namespace IpcBridge.Transport;

/// <summary>
/// The frames a link has accepted and its writer has yet to send, and the reason the link closed: what every transport
/// that writes from a loop of its own shares. A frame is accepted until the link closes; after that a write throws.
/// </summary>
internal sealed class OutboundQueue
{
    private readonly Channel<Frame> frames = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private IpcDisconnectedException? closedReason;

    /// <summary>Gets what the writer loop reads; it completes once the link closed and everything accepted was read.</summary>
    public ChannelReader<Frame> Reader => this.frames.Reader;

    /// <summary>Gets why the link closed, or <see langword="null"/> while it is open.</summary>
    public IpcDisconnectedException? ClosedReason => Volatile.Read(ref this.closedReason);

    /// <summary>Gets a value indicating whether a link closed for <paramref name="reason"/> stops writing at once, dropping what it had accepted.</summary>
    public static bool StopsAtOnce(IpcDisconnectedException reason) => reason.Reason is DisconnectReason.ProtocolViolation or DisconnectReason.StreamFailed;

    /// <summary>Accepts a frame for the writer.</summary>
    /// <exception cref="IpcDisconnectedException">The link is closed.</exception>
    public void Write(Frame frame)
    {
        IpcDisconnectedException? closed = this.ClosedReason;
        if (closed is not null || !this.frames.Writer.TryWrite(frame))
        {
            closed ??= this.ClosedReason;
            throw new IpcDisconnectedException(closed?.Message ?? "The link is closed.", closed?.Reason ?? DisconnectReason.LocalClosed, closed);
        }
    }

    /// <summary>Records why the link closed and stops accepting frames; what was accepted is still read.</summary>
    /// <returns><see langword="false"/> when the link was already closed (the first reason stands).</returns>
    public bool TryClose(IpcDisconnectedException reason)
    {
        if (Interlocked.CompareExchange(ref this.closedReason, reason, null) is not null)
        {
            return false;
        }

        this.frames.Writer.TryComplete();
        return true;
    }
}
