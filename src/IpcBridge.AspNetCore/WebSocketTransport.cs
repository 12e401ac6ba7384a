using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Transport;

namespace IpcBridge.AspNetCore;

/// <summary>
/// Frames over a WebSocket: one protocol frame, length prefix included, per binary message (docs/web.md). A single
/// writer loop sends the queued frames; a single reader loop checks that each message is exactly one frame of at most
/// <c>MaxFrameSize</c> and hands it to the connection. Anything else closes this socket as a protocol violation.
/// </summary>
/// <remarks>
/// It also carries a page's <c>sendSync</c>, which arrives over HTTP (<see cref="DeliverSync"/>): the sync frame is
/// handed to the connection exactly after the socket frame the page counted, and main's answer to it is taken out of
/// the outbound path (<see cref="Write"/>) and returned to the HTTP request instead of the socket.
/// </remarks>
#pragma warning disable CA1001 // 'stop' and 'stopWriting' are disposed when both loops have ended (FinishAsync); the transport's life is the link's.
internal sealed class WebSocketTransport : IFrameTransport
#pragma warning restore CA1001
{
    /// <summary>How long the closing handshake may take before the socket is aborted.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket socket;
    private readonly int maxMessageSize;
    private readonly OutboundQueue outbound = new();

    // Ends the reader's wait; cancelling a pending receive aborts the socket, so only once the closing handshake is over.
    private readonly CancellationTokenSource stop = new();

    // Ends the writer early after a violation: what was still queued for a broken page is not sent.
    private readonly CancellationTokenSource stopWriting = new();

    // Lock deliverLock for all access to delivered and waitingSync: inbound frames from the socket and sync frames from
    // HTTP requests reach the connection one at a time, in the page's order.
    private readonly object deliverLock = new();
    private long delivered;
    private readonly List<(long After, Frame Frame)> waitingSync = new();

    // Sync calls whose answer goes to an HTTP request rather than the socket, by call id. An entry whose request gave up
    // (timed out) stays until the answer comes, so the late answer is dropped instead of reaching the socket.
    private readonly ConcurrentDictionary<long, TaskCompletionSource<Frame>> syncAnswers = new();
    private IFrameReceiver? receiver;
    private int notified;

    public WebSocketTransport(WebSocket socket, int maxFrameSize)
    {
        this.socket = socket;
        this.MaxFrameSize = maxFrameSize;
        this.maxMessageSize = FrameCodec.LengthPrefixSize + maxFrameSize;
    }

    public int MaxFrameSize { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Gets the reason the link closed, once it did.</summary>
    public IpcDisconnectedException? ClosedReason => this.outbound.ClosedReason;

    /// <summary>Reads one frame before <see cref="Start"/> (the hello); <see langword="null"/> when the page closed the socket.</summary>
    /// <exception cref="IpcProtocolException">The message is not exactly one frame.</exception>
    public async ValueTask<Frame?> ReadHandshakeFrameAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        (Frame? frame, _) = await this.ReceiveFrameAsync(buffer, cancellationToken).ConfigureAwait(false);
        return frame;
    }

    /// <summary>Sends one frame before <see cref="Start"/> (the welcome or the refusal).</summary>
    public ValueTask WriteHandshakeFrameAsync(Frame frame, CancellationToken cancellationToken)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return this.socket.SendAsync(writer.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
    }

    /// <summary>Closes the socket after a refused handshake, with a reason the page can read.</summary>
    public async Task RefuseAsync(string why)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await this.socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, Truncate(why), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The page is gone or does not answer the close; the refusal stands.
        }
    }

    public void Start(IFrameReceiver receiver)
    {
        this.receiver = receiver;
        Task reading = Task.Run(this.ReadLoopAsync);
        Task writing = Task.Run(this.WriteLoopAsync);
        this.Completion = this.FinishAsync(reading, writing);
    }

    public void Write(Frame frame)
    {
        if (frame.Kind is FrameKind.Result or FrameKind.Error && this.syncAnswers.TryRemove(frame.CallId, out TaskCompletionSource<Frame>? answer))
        {
            answer.TrySetResult(frame);
            return;
        }

        this.outbound.Write(frame);
    }

    public void Close(IpcDisconnectedException reason)
    {
        if (!this.outbound.TryClose(reason))
        {
            return;
        }

        // Frames already queued are still sent (they were accepted); then the writer closes the socket.
        if (OutboundQueue.StopsAtOnce(reason))
        {
            this.stopWriting.Cancel();
        }

        foreach (long id in this.syncAnswers.Keys)
        {
            if (this.syncAnswers.TryRemove(id, out TaskCompletionSource<Frame>? answer))
            {
                answer.TrySetException(new IpcDisconnectedException(reason.Message, reason.Reason, reason));
            }
        }

        this.Notify(reason);
    }

    /// <summary>
    /// Hands a page's sync frame, which came over HTTP, to the connection right after the <paramref name="after"/>-th
    /// frame of the socket (at once if that one has arrived), and returns main's answer to it.
    /// </summary>
    /// <exception cref="IpcProtocolException">The socket has already delivered more than <paramref name="after"/> frames, or the call id is in use; the link is closed.</exception>
    /// <exception cref="IpcDisconnectedException">The link is closed.</exception>
    public Task<Frame> DeliverSync(Frame frame, long after)
    {
        var answer = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        IpcDisconnectedException? closed = this.ClosedReason;
        if (closed is not null)
        {
            throw new IpcDisconnectedException(closed.Message, closed.Reason, closed);
        }

        if (!this.syncAnswers.TryAdd(frame.CallId, answer))
        {
            throw this.Violation(new IpcProtocolException($"a sync call reusing call id {frame.CallId}"));
        }

        lock (this.deliverLock)
        {
            if (after < this.delivered)
            {
                this.syncAnswers.TryRemove(frame.CallId, out _);
                throw this.Violation(new IpcProtocolException($"a sync call placed after frame {after}, but {this.delivered} frames had already arrived"));
            }

            if (after == this.delivered)
            {
                this.receiver!.OnFrame(frame);
            }
            else
            {
                this.waitingSync.Add((after, frame));
            }
        }

        // Closed meanwhile: Close may have run before the answer was registered.
        if (this.ClosedReason is { } gone && this.syncAnswers.TryRemove(frame.CallId, out _))
        {
            answer.TrySetException(new IpcDisconnectedException(gone.Message, gone.Reason, gone));
        }

        return answer.Task;
    }

    /// <summary>Closes the link as a protocol violation and returns the exception to report to whoever caused it.</summary>
    public IpcProtocolException Violation(IpcProtocolException ex)
    {
        this.Close(new IpcDisconnectedException($"The peer broke the protocol: {ex.Message}.", DisconnectReason.ProtocolViolation, ex));
        return ex;
    }

    private static string Truncate(string text) => text.Length <= 120 ? text : text.Substring(0, 120);

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                (Frame? frame, buffer) = await this.ReceiveFrameAsync(buffer, this.stop.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    this.Close(new IpcDisconnectedException("The page closed the connection.", DisconnectReason.RemoteClosed));
                    return;
                }

                this.Deliver(frame);
            }
        }
        catch (IpcProtocolException ex)
        {
            this.Violation(ex);
        }
        catch (OperationCanceledException)
        {
            // Closed locally.
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or System.IO.IOException or InvalidOperationException)
        {
            // A tab that is closed or reloaded often drops the connection without a closing handshake.
            this.Close(new IpcDisconnectedException($"The page's connection ended: {ex.Message}", DisconnectReason.RemoteClosed, ex));
        }
    }

    /// <summary>Receives one message and parses it as exactly one frame; <see langword="null"/> for a close message.</summary>
    /// <returns>The frame, and the receive buffer (grown if the message needed it).</returns>
    private async ValueTask<(Frame? Frame, byte[] Buffer)> ReceiveFrameAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        int count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (count == buffer.Length)
            {
                if (buffer.Length >= this.maxMessageSize)
                {
                    throw new MessageTooBigException(this.maxMessageSize);
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, this.maxMessageSize + 1L));
            }

            result = await this.socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (null, buffer);
            }

            count += result.Count;
            if (count > this.maxMessageSize)
            {
                throw new MessageTooBigException(this.maxMessageSize);
            }
        }
        while (!result.EndOfMessage);

        if (result.MessageType != WebSocketMessageType.Binary)
        {
            throw new IpcProtocolException("a text WebSocket message (frames travel in binary messages)");
        }

        return (Parse(buffer.AsSpan(0, count), this.MaxFrameSize), buffer);
    }

    /// <summary>Parses a message that must hold exactly one frame, length prefix included.</summary>
    /// <exception cref="IpcProtocolException">It does not.</exception>
    internal static Frame Parse(ReadOnlySpan<byte> message, int maxFrameSize)
    {
        if (message.Length < FrameCodec.LengthPrefixSize + 1)
        {
            throw new IpcProtocolException($"a WebSocket message of {message.Length} bytes, too short for a frame");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(message);
        if (length > (uint)maxFrameSize)
        {
            throw new IpcProtocolException($"a frame of {length} bytes (the limit is {maxFrameSize})");
        }

        if (length != message.Length - FrameCodec.LengthPrefixSize)
        {
            throw new IpcProtocolException($"a WebSocket message of {message.Length} bytes whose frame announces {length} bytes after its length prefix (each message carries exactly one frame)");
        }

        try
        {
            return FrameCodec.Parse(message.Slice(FrameCodec.LengthPrefixSize).ToArray());
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            throw new IpcProtocolException($"a malformed frame: {ex.Message}");
        }
    }

    private void Deliver(Frame frame)
    {
        lock (this.deliverLock)
        {
            this.receiver!.OnFrame(frame);
            this.delivered++;
            for (int i = 0; i < this.waitingSync.Count; i++)
            {
                if (this.waitingSync[i].After == this.delivered)
                {
                    Frame sync = this.waitingSync[i].Frame;
                    this.waitingSync.RemoveAt(i);
                    this.receiver.OnFrame(sync);
                    break;
                }
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<Frame> queue = this.outbound.Reader;
        var writer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (await queue.WaitToReadAsync(this.stopWriting.Token).ConfigureAwait(false))
            {
                while (queue.TryRead(out Frame? frame))
                {
                    writer.Clear();
                    FrameCodec.Write(writer, frame);
                    await this.socket.SendAsync(writer.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, this.stopWriting.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closed abortively.
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or System.IO.IOException or InvalidOperationException or IpcProtocolException)
        {
            this.Close(new IpcDisconnectedException($"The page's connection failed: {ex.Message}", DisconnectReason.StreamFailed, ex));
        }
    }

    private async Task FinishAsync(Task reading, Task writing)
    {
        await writing.ConfigureAwait(false);
        IpcDisconnectedException reason = this.ClosedReason ?? new IpcDisconnectedException("The link is closed.", DisconnectReason.LocalClosed);
        this.Close(reason);
        if (this.socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            (WebSocketCloseStatus status, string text) = CloseStatusOf(reason);
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await this.socket.CloseOutputAsync(status, text, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or System.IO.IOException)
            {
                // The page is gone; nothing left to tell it.
            }
        }

        // The page answers our close with its own, which ends the read loop; one that does not is cut off.
        Task ended = await Task.WhenAny(reading, Task.Delay(CloseTimeout)).ConfigureAwait(false);
        if (ended != reading)
        {
            this.socket.Abort();
        }

        this.stop.Cancel();
        await reading.ConfigureAwait(false);
        this.stop.Dispose();
        this.stopWriting.Dispose();
    }

    private static (WebSocketCloseStatus Status, string Text) CloseStatusOf(IpcDisconnectedException reason) => reason switch
    {
        { InnerException: MessageTooBigException } => (WebSocketCloseStatus.MessageTooBig, "message too big"),
        { Reason: DisconnectReason.ProtocolViolation } => (WebSocketCloseStatus.ProtocolError, "protocol violation"),
        { Reason: DisconnectReason.MainDisposed } => (WebSocketCloseStatus.EndpointUnavailable, "main is shutting down"),
        _ => (WebSocketCloseStatus.NormalClosure, "closed"),
    };

    private void Notify(IpcDisconnectedException reason)
    {
        if (Interlocked.Exchange(ref this.notified, 1) == 0)
        {
            Debug.Assert(this.receiver is not null || this.Completion.IsCompleted, "Closed before start only by a refused handshake.");
            this.receiver?.OnTransportClosed(reason);
        }
    }

    /// <summary>A message larger than a frame may be: closes the socket with status 1009.</summary>
    private sealed class MessageTooBigException : IpcProtocolException
    {
        public MessageTooBigException(int limit)
            : base($"a WebSocket message over {limit} bytes (MaxFrameSize plus the length prefix)")
        {
        }
    }
}
