using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Transport;

namespace IpcBridge.Tests.Transport;

/// <summary>What the stream transport does with the stream under it: batching of writes, and a private launch address.</summary>
public class StreamTransportTests
{
    [Fact]
    public async Task Write_FramesQueuedWhileTheStreamIsBusy_GoOutInOneFlushNotOneEach()
    {
        // Arrange: the first frame's write blocks in the stream until the test lets it go.
        var stream = new GatedStream();
        var transport = new StreamTransport(new FramedStream(stream, 1 << 20));
        transport.Start(new NullReceiver());
        transport.Write(new Frame(FrameKind.Send, 0, "burst", Encoding.UTF8.GetBytes("[0]")));
        await stream.FirstWriteEntered.Task.WithTimeout("the first write to reach the stream");

        // Act: 99 more frames queue up behind it, then the stream is free again.
        for (int i = 1; i < 100; i++)
        {
            transport.Write(new Frame(FrameKind.Send, 0, "burst", Encoding.UTF8.GetBytes($"[{i}]")));
        }

        stream.Release();
        List<Frame> frames = await stream.ReadFramesAsync(100).WithTimeout("all 100 frames to be written");

        // Assert: the first frame's write, then the 99 others together (a second pipe segment at most).
        stream.WriteCalls.Should().BeInRange(2, 3);
        stream.FlushCalls.Should().BeLessThanOrEqualTo(2);
        frames.Should().HaveCount(100);
        for (int i = 0; i < frames.Count; i++)
        {
            Encoding.UTF8.GetString(frames[i].Payload.Span).Should().Be($"[{i}]");
        }

        transport.Close(new IpcDisconnectedException("done", DisconnectReason.LocalClosed));
        stream.EndReads();
        await transport.Completion.WithTimeout("the transport to finish");
    }

    [Fact]
    public async Task LaunchAddress_OnUnix_IsASocketOnlyItsUserCanOpenInADirectoryOnlyItsUserCanEnter()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows uses a named pipe with PipeOptions.CurrentUserOnly; there are no file modes to read.
        }

        await using ChildListener listener = ChildAddress.Listen();
        listener.Address.Should().StartWith("unix:");
        string socketPath = listener.Address.Substring("unix:".Length);
        string directory = Path.GetDirectoryName(socketPath)!;

        File.GetUnixFileMode(directory).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(socketPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private sealed class NullReceiver : IFrameReceiver
    {
        public void OnFrame(Frame frame)
        {
        }

        public void OnTransportClosed(IpcDisconnectedException reason)
        {
        }
    }

    /// <summary>A duplex stream whose reads wait until <see cref="EndReads"/> and whose first write waits for <see cref="Release"/>.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource readsEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream written = new();
        private readonly object sync = new();
        private TaskCompletionSource? moreWritten;
        private int writeCalls;
        private int flushCalls;

        public TaskCompletionSource FirstWriteEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int WriteCalls => Volatile.Read(ref this.writeCalls);

        public int FlushCalls => Volatile.Read(ref this.flushCalls);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => this.gate.TrySetResult();

        public void EndReads() => this.readsEnded.TrySetResult();

        /// <summary>Waits until <paramref name="count"/> whole frames were written, and decodes them.</summary>
        public async Task<List<Frame>> ReadFramesAsync(int count)
        {
            while (true)
            {
                Task more;
                lock (this.sync)
                {
                    var sequence = new ReadOnlySequence<byte>(this.written.ToArray());
                    var frames = new List<Frame>();
                    while (FrameCodec.TryRead(ref sequence, 1 << 20, out Frame? frame))
                    {
                        frames.Add(frame!);
                    }

                    if (frames.Count >= count)
                    {
                        return frames;
                    }

                    this.moreWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    more = this.moreWritten.Task;
                }

                await more;
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref this.writeCalls) == 1)
            {
                this.FirstWriteEntered.TrySetResult();
                await this.gate.Task.WaitAsync(cancellationToken);
            }

            lock (this.sync)
            {
                this.written.Write(buffer.Span);
                this.moreWritten?.TrySetResult();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => this.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => this.WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref this.flushCalls);
            return Task.CompletedTask;
        }

        public override void Flush() => Interlocked.Increment(ref this.flushCalls);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await this.readsEnded.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => this.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
