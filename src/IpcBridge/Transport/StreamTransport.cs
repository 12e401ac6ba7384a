using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using IpcBridge.Protocol;

namespace IpcBridge.Transport;

/// <summary>
/// Frames over any duplex stream (a Unix domain socket, a named pipe, a child's stdio). Writes are queued and a single
/// writer loop encodes every frame waiting into the pipe before one flush, so a burst of small messages costs one
/// system call, not one each. The reader hands each whole frame to the connection; malformed input closes the link
/// with <see cref="DisconnectReason.ProtocolViolation"/>.
/// </summary>
#pragma warning disable CA1001 // 'stop' is disposed when both loops have ended (FinishAsync); the transport's life is the link's.
internal sealed class StreamTransport : IFrameTransport
#pragma warning restore CA1001
{
    private readonly FramedStream framed;
    private readonly OutboundQueue outbound = new();
    private readonly CancellationTokenSource stop = new();
    private IFrameReceiver? receiver;
    private int notified;

    public StreamTransport(FramedStream framed)
    {
        this.framed = framed;
    }

    /// <summary>Gets a task that completes when both loops have ended and the stream is disposed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(IFrameReceiver receiver)
    {
        this.receiver = receiver;
        Task reading = Task.Run(this.ReadLoopAsync);
        Task writing = Task.Run(this.WriteLoopAsync);
        this.Completion = this.FinishAsync(reading, writing);
    }

    public void Write(Frame frame)
    {
        this.outbound.Write(frame);
    }

    public void Close(IpcDisconnectedException reason)
    {
        if (!this.outbound.TryClose(reason))
        {
            return;
        }

        // Frames already queued are still written (they were accepted); then the writer completes the stream.
        if (OutboundQueue.StopsAtOnce(reason))
        {
            this.stop.Cancel();
        }

        this.framed.CancelPendingRead();
        this.Notify(reason);
    }

    private async Task ReadLoopAsync()
    {
        PipeReader reader = this.framed.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(this.stop.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    while (FrameCodec.TryRead(ref buffer, this.framed.MaxFrameSize, out Frame? frame))
                    {
                        this.receiver!.OnFrame(frame!);
                    }
                }
                catch (IpcProtocolException ex)
                {
                    reader.AdvanceTo(buffer.End);
                    this.Violation(ex);
                    return;
                }

                bool direct;
                int length = 0;
                FrameHeader header = default;
                try
                {
                    direct = !result.IsCompleted && !result.IsCanceled && this.framed.ReadsDirectly(buffer, out length, out header);
                }
                catch (IpcProtocolException ex)
                {
                    reader.AdvanceTo(buffer.End);
                    this.Violation(ex);
                    return;
                }

                if (direct)
                {
                    // A large frame is read straight from the stream; ReadDirectAsync consumes the pipe's buffer itself.
                    Frame large;
                    try
                    {
                        large = await this.framed.ReadDirectAsync(buffer, length, header, this.stop.Token).ConfigureAwait(false);
                    }
                    catch (IpcProtocolException ex)
                    {
                        this.Violation(ex);
                        return;
                    }

                    this.receiver!.OnFrame(large);
                    continue;
                }

                if (result.IsCanceled || this.outbound.ClosedReason is not null)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    return;
                }

                if (result.IsCompleted)
                {
                    bool truncated = !buffer.IsEmpty;
                    reader.AdvanceTo(buffer.End);
                    if (truncated)
                    {
                        this.Violation(new IpcProtocolException("a truncated frame at the end of the stream"));
                    }
                    else
                    {
                        this.Close(new IpcDisconnectedException("The other endpoint closed the connection.", DisconnectReason.RemoteClosed));
                    }

                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            // Closed locally.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            this.Close(new IpcDisconnectedException($"The connection failed: {ex.Message}", DisconnectReason.StreamFailed, ex));
        }
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<Frame> queue = this.outbound.Reader;
        PipeWriter writer = this.framed.Writer;
        try
        {
            while (await queue.WaitToReadAsync(this.stop.Token).ConfigureAwait(false))
            {
                while (queue.TryRead(out Frame? frame))
                {
                    if (this.framed.WritesDirectly(frame))
                    {
                        await this.framed.WriteDirectAsync(frame, this.stop.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        FrameCodec.Write(writer, frame);
                    }

                    // Written (to the socket, or copied into the pipe): the sender's copies of its bytes can serve the
                    // next payload of that size instead of a fresh array (LargeArrayCache).
                    Serialization.BinaryPayload.Of(frame.Payload)?.Recycle();
                }

                FlushResult flushed = await writer.FlushAsync(this.stop.Token).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    // The other side stopped reading: nothing written from now on would arrive.
                    this.Close(new IpcDisconnectedException("The other endpoint stopped reading.", DisconnectReason.RemoteClosed));
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closed abortively.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            this.Close(new IpcDisconnectedException($"The connection failed: {ex.Message}", DisconnectReason.StreamFailed, ex));
        }
    }

    private async Task FinishAsync(Task reading, Task writing)
    {
        await writing.ConfigureAwait(false);

        // The reader is completed only once the read loop has let go of it: completing a PipeReader while a read or an
        // AdvanceTo is under way returns buffers to the pool that the loop still uses.
        this.Close(new IpcDisconnectedException("The link is closed.", DisconnectReason.LocalClosed));
        this.framed.Reader.CancelPendingRead();
        try
        {
            await reading.ConfigureAwait(false);
        }
        finally
        {
            await this.framed.DisposeAsync().ConfigureAwait(false);
            this.stop.Dispose();
        }
    }

    private void Violation(IpcProtocolException ex)
        => this.Close(new IpcDisconnectedException($"The peer broke the protocol: {ex.Message}.", DisconnectReason.ProtocolViolation, ex));

    private void Notify(IpcDisconnectedException reason)
    {
        if (Interlocked.Exchange(ref this.notified, 1) == 0)
        {
            this.receiver?.OnTransportClosed(reason);
        }
    }
}
