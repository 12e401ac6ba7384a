using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
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

    /// <summary>The most bytes copied out of the pipe to find a large frame's header in (a header is rarely more than a few dozen).</summary>
    private const int MaxHeaderLook = 64 * 1024;

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
    /// that has not arrived whole yet, but whose header has.
    /// </summary>
    /// <exception cref="IpcProtocolException">The frame's header is not valid.</exception>
    public bool ReadsDirectly(in ReadOnlySequence<byte> buffer, out int length, out FrameHeader header)
    {
        length = 0;
        header = default;
        if (this.stream is null || !FrameCodec.TryReadLength(buffer, out uint announced) || announced < DirectSize || announced > (uint)this.MaxFrameSize
            || buffer.Length >= FrameCodec.LengthPrefixSize + announced)
        {
            return false;
        }

        length = (int)announced;
        ReadOnlySequence<byte> body = buffer.Slice(FrameCodec.LengthPrefixSize);
        ReadOnlySpan<byte> first = body.First.Span;
        if (first.Length < body.Length && first.Length < MaxHeaderLook)
        {
            // The header may straddle the pipe's segments: look at a copy of the first bytes.
            first = body.Slice(0, Math.Min(body.Length, MaxHeaderLook)).ToArray();
        }

        return FrameCodec.TryParseHeader(first, length, out header);
    }

    /// <summary>
    /// Reads the frame that <paramref name="buffer"/> (the reader's whole unconsumed buffer) starts with: takes what the
    /// pipe holds of it, consumes that, and reads the rest from the stream straight into the arrays the frame keeps. A
    /// large binary segment gets an array of its own, which a sole reader of it (a call's answer) keeps without a copy;
    /// the JSON and small segments next to each other share one. Through the pipe, a megabyte came in 64 KiB reads and
    /// was then copied out of them.
    /// </summary>
    /// <exception cref="IpcProtocolException">The stream ended inside the frame.</exception>
    public async ValueTask<Frame> ReadDirectAsync(ReadOnlySequence<byte> buffer, int length, FrameHeader header, CancellationToken cancellationToken)
    {
        int[] lengths = header.SegmentLengths ?? Array.Empty<int>();
        int jsonLength = length - header.Size - (int)header.SegmentBytes;
        var parts = new ReadOnlyMemory<byte>[lengths.Length + 1];
        ReadOnlySequence<byte> arrived = buffer.Slice(FrameCodec.LengthPrefixSize + header.Size);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, this.directReads!.Token);
        bool consumed = false;
        for (int first = 0; first < parts.Length;)
        {
            // A run: one large part, or the small parts up to the next large one, read into one array.
            int end = first + 1;
            long runLength = PartLength(first);
            if (runLength < DirectSize)
            {
                while (end < parts.Length && PartLength(end) < DirectSize)
                {
                    runLength += PartLength(end++);
                }
            }

            byte[] run = runLength == 0 ? Array.Empty<byte>() : Serialization.BinarySegments.NewArray((int)runLength);
            int filled = (int)Math.Min(arrived.Length, runLength);
            arrived.Slice(0, filled).CopyTo(run);
            arrived = arrived.Slice(filled);
            if (!consumed && arrived.IsEmpty)
            {
                // Everything the pipe held of the frame is copied out; the rest comes from the stream.
                // Nothing before this awaits, so the reader always gets its buffer back.
                this.Reader.AdvanceTo(buffer.End);
                arrived = default;
                consumed = true;
            }

            await this.FillAsync(run, filled, cancel.Token).ConfigureAwait(false);
            for (int at = 0; first < end; first++)
            {
                parts[first] = run.AsMemory(at, PartLength(first));
                at += PartLength(first);
            }
        }

        if (lengths.Length == 0)
        {
            return header.ToFrame(parts[0]);
        }

        MemoryMarshal.TryGetArray(parts[0], out ArraySegment<byte> json);
        return header.ToFrame(new Serialization.BinaryPayload(json, parts.AsSpan(1).ToArray(), segmentsOwned: true).Memory);

        int PartLength(int part) => part == 0 ? jsonLength : lengths[part - 1];
    }

    /// <summary>Gets whether <paramref name="frame"/> is large enough to be written with <see cref="WriteDirectAsync"/>.</summary>
    public bool WritesDirectly(Frame frame) => this.stream is not null && Serialization.BinaryPayload.LengthOf(frame.Payload) >= DirectSize;

    /// <summary>
    /// Writes the frame's header into the pipe, and each large part of its payload (the JSON, a binary segment) straight
    /// to the stream after flushing what the pipe holds; small parts go through the pipe. Copied into the pipe, a megabyte
    /// took 256 buffers of 4 KiB, each its own write to the socket on flush. What stays in the pipe is flushed by the caller.
    /// </summary>
    public async ValueTask WriteDirectAsync(Frame frame, CancellationToken cancellationToken)
    {
        Serialization.BinaryPayload? binary = FrameCodec.WriteHeader(this.Writer, frame);
        await this.WritePartAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < (binary?.Count ?? 0); i++)
        {
            await this.WritePartAsync(binary!.Segment(i), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask WriteFrameAsync(Frame frame, CancellationToken cancellationToken)
    {
        FrameCodec.Write(this.Writer, frame);
        await this.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WritePartAsync(ReadOnlyMemory<byte> part, CancellationToken cancellationToken)
    {
        if (part.Length < DirectSize)
        {
            this.Writer.Write(part.Span);
            return;
        }

        await this.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
#if NETSTANDARD2_0
        ArraySegment<byte> bytes = MemoryMarshal.TryGetArray(part, out ArraySegment<byte> segment) ? segment : new ArraySegment<byte>(part.ToArray());
        await this.stream!.WriteAsync(bytes.Array!, bytes.Offset, bytes.Count, cancellationToken).ConfigureAwait(false);
#else
        await this.stream!.WriteAsync(part, cancellationToken).ConfigureAwait(false);
#endif
    }

    /// <summary>Reads from the stream until <paramref name="array"/> is full from <paramref name="filled"/> on.</summary>
    private async ValueTask FillAsync(byte[] array, int filled, CancellationToken cancellationToken)
    {
        while (filled < array.Length)
        {
#if NETSTANDARD2_0
            int read = await this.stream!.ReadAsync(array, filled, array.Length - filled, cancellationToken).ConfigureAwait(false);
#else
            int read = await this.stream!.ReadAsync(array.AsMemory(filled), cancellationToken).ConfigureAwait(false);
#endif
            filled += read > 0 ? read : throw new IpcProtocolException("a truncated frame at the end of the stream");
        }
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
