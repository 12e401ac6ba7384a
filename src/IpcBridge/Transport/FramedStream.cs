using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;

namespace IpcBridge.Transport;

/// <summary>A duplex stream or pipe read and written as frames, through System.IO.Pipelines.</summary>
internal sealed class FramedStream : IAsyncDisposable
{
    private readonly Stream? stream;
    private readonly IDisposable? owner;
    private int disposed;

    public FramedStream(Stream stream, int maxFrameSize)
    {
        this.stream = stream;
        this.MaxFrameSize = maxFrameSize;
        this.Reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        this.Writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>Frames over a duplex pipe (a multiplexed channel), disposing <paramref name="owner"/> with it.</summary>
    public FramedStream(IDuplexPipe pipe, IDisposable owner, int maxFrameSize)
    {
        this.owner = owner;
        this.MaxFrameSize = maxFrameSize;
        this.Reader = pipe.Input;
        this.Writer = pipe.Output;
    }

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
