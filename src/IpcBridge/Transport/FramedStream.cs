using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
#if NETSTANDARD2_0
using System.Runtime.InteropServices;
#endif
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;

namespace IpcBridge.Transport;

/// <summary>A duplex stream or pipe read and written as frames, through System.IO.Pipelines.</summary>
internal sealed class FramedStream : IAsyncDisposable
{
    private readonly Stream? stream;
    private readonly IDisposable? owner;

    // Cancels a direct read (ReadDirectAsync), which CancelPendingRead on the pipe does not reach.
    private readonly CancellationTokenSource? directReads;
    private int disposed;

    public FramedStream(Stream stream, int maxFrameSize)
    {
        this.stream = stream;
        this.MaxFrameSize = maxFrameSize;
        this.Reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        this.Writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        this.directReads = new CancellationTokenSource();
    }

    /// <summary>Frames over a duplex pipe (a multiplexed channel), disposing <paramref name="owner"/> with it.</summary>
    public FramedStream(IDuplexPipe pipe, IDisposable owner, int maxFrameSize)
    {
        this.owner = owner;
        this.MaxFrameSize = maxFrameSize;
        this.Reader = pipe.Input;
        this.Writer = pipe.Output;
    }

    /// <summary>The size from which a frame's payload goes to the stream, or its body comes from it, directly rather than through the pipe.</summary>
    public const int DirectSize = 64 * 1024;

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    public int MaxFrameSize { get; }

    /// <summary>Reads one frame; <see langword="null"/> at a clean end of stream.</summary>
    /// <exception cref="IpcProtocolException">The bytes are not a frame, or the stream ended inside one.</exception>
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await this.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (FrameCodec.TryRead(ref buffer, this.MaxFrameSize, out Frame? frame))
            {
                this.Reader.AdvanceTo(buffer.Start);
                return frame;
            }

            if (result.IsCompleted)
            {
                bool empty = buffer.IsEmpty;
                this.Reader.AdvanceTo(buffer.End);
                return empty ? null : throw new IpcProtocolException("a truncated frame at the end of the stream");
            }

            this.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Cancels the pending read, on the pipe or directly on the stream; the reader sees a cancelled read or an <see cref="OperationCanceledException"/>.</summary>
    public void CancelPendingRead()
    {
        this.Reader.CancelPendingRead();
        try
        {
            this.directReads?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed: no read is pending any more.
        }
    }

    /// <summary>
    /// Gets whether <paramref name="buffer"/> starts with a frame large enough to be read with <see cref="ReadDirectAsync"/>
    /// that has not arrived whole yet.
    /// </summary>
    public bool ReadsDirectly(in ReadOnlySequence<byte> buffer, out int length)
    {
        length = 0;
        if (this.stream is null || !FrameCodec.TryReadLength(buffer, out uint announced) || announced < DirectSize || announced > (uint)this.MaxFrameSize)
        {
            return false;
        }

        length = (int)announced;
        return buffer.Length < FrameCodec.LengthPrefixSize + announced;
    }

    /// <summary>
    /// Reads the frame that <paramref name="buffer"/> (the reader's whole unconsumed buffer) starts with: takes what the
    /// pipe holds of it, consumes that, and reads the rest from the stream into the frame's own array. Through the pipe,
    /// a megabyte came in 64 KiB reads and was then copied out of them.
    /// </summary>
    /// <exception cref="IpcProtocolException">The stream ended inside the frame, or the bytes are not a frame.</exception>
    public async ValueTask<Frame> ReadDirectAsync(ReadOnlySequence<byte> buffer, int length, CancellationToken cancellationToken)
    {
        byte[] body = new byte[length];
        ReadOnlySequence<byte> arrived = buffer.Slice(FrameCodec.LengthPrefixSize);
        arrived.CopyTo(body);
        int filled = (int)arrived.Length;
        this.Reader.AdvanceTo(buffer.End);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, this.directReads!.Token);
        while (filled < length)
        {
#if NETSTANDARD2_0
            int read = await this.stream!.ReadAsync(body, filled, length - filled, cancel.Token).ConfigureAwait(false);
#else
            int read = await this.stream!.ReadAsync(body.AsMemory(filled), cancel.Token).ConfigureAwait(false);
#endif
            filled += read > 0 ? read : throw new IpcProtocolException("a truncated frame at the end of the stream");
        }

        return FrameCodec.Parse(body);
    }

    /// <summary>Gets whether <paramref name="frame"/> is large enough to be written with <see cref="WriteDirectAsync"/>.</summary>
    public bool WritesDirectly(Frame frame) => this.stream is not null && frame.Payload.Length >= DirectSize;

    /// <summary>
    /// Flushes what the pipe holds with the frame's header, then writes the payload straight to the stream. Copied into
    /// the pipe, a megabyte took 256 buffers of 4 KiB, each its own write to the socket on flush.
    /// </summary>
    public async ValueTask WriteDirectAsync(Frame frame, CancellationToken cancellationToken)
    {
        FrameCodec.WriteHeader(this.Writer, frame);
        await this.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
#if NETSTANDARD2_0
        ArraySegment<byte> bytes = MemoryMarshal.TryGetArray(frame.Payload, out ArraySegment<byte> segment) ? segment : new ArraySegment<byte>(frame.Payload.ToArray());
        await this.stream!.WriteAsync(bytes.Array!, bytes.Offset, bytes.Count, cancellationToken).ConfigureAwait(false);
#else
        await this.stream!.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
#endif
    }

    public async ValueTask WriteFrameAsync(Frame frame, CancellationToken cancellationToken)
    {
        FrameCodec.Write(this.Writer, frame);
        await this.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref this.disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await this.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer is gone; nothing left to flush to.
        }
        catch (ObjectDisposedException)
        {
        }

        await this.Reader.CompleteAsync().ConfigureAwait(false);
        this.directReads?.Dispose();
        this.owner?.Dispose();
#if NETSTANDARD2_0
        this.stream?.Dispose();
#else
        if (this.stream is not null)
        {
            await this.stream.DisposeAsync().ConfigureAwait(false);
        }
#endif
    }
}
