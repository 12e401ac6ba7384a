using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Core;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Transport;

namespace IpcBridge.Tests.Transport;

/// <summary>
/// Frames from <see cref="FramedStream.DirectSize"/> up go between the stream and their own arrays directly, around the
/// pipe; around and across that size, and mixed with small frames, nothing may change, reorder or hang.
/// </summary>
public class LargeFrameTests
{
    public static TheoryData<TransportKind, int> TransportsAndSizes
    {
        get
        {
            var data = new TheoryData<TransportKind, int>();
            foreach (TransportKind transport in new[] { TransportKind.InProcess, TransportKind.Stream })
            {
                foreach (int size in new[] { FramedStream.DirectSize - 64, FramedStream.DirectSize, (1024 * 1024) + 3 })
                {
                    data.Add(transport, size);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(TransportsAndSizes))]
    public async Task Invoke_PayloadAroundTheDirectSize_EchoedUnchanged(TransportKind transport, int size)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<string, string>("echo", (_, text) => text);
        TestRenderer renderer = await bridge.AddRendererAsync();
        string payload = Pattern(size, seed: 7);

        // Act
        string echoed = await renderer.Ipc.InvokeAsync<string>("echo", payload).WithTimeout();

        // Assert
        echoed.Should().Be(payload);
    }

    [Fact]
    public async Task Send_LargeAndSmallMessagesInterleaved_ArriveWholeAndInOrder()
    {
        // Arrange
        await using var bridge = Bridge.Create(TransportKind.Stream);
        var seen = new Recorder<string>();
        bridge.IpcMain.On<string>("mixed", (_, text) => seen.Add(text));
        TestRenderer renderer = await bridge.AddRendererAsync();
        string[] sent = Enumerable.Range(0, 24)
            .Select(i => i % 3 == 0 ? Pattern((300 * 1024) + i, seed: i) : $"small {i}")
            .ToArray();

        // Act
        foreach (string text in sent)
        {
            renderer.Ipc.Send("mixed", text);
        }

        await seen.WaitForCount(sent.Length);

        // Assert
        seen.Items.Should().Equal(sent);
    }

    [Fact]
    public async Task StreamEndsInsideALargeFrame_LinkClosesAsAProtocolViolation()
    {
        // Arrange
        (Stream local, Stream remote) = await SocketPair.CreateAsync();
        var receiver = new RecordingReceiver();
        var transport = new StreamTransport(new FramedStream(local, 64 * 1024 * 1024));
        transport.Start(receiver);

        // Act: a header announcing a megabyte, a fifth of it, and the end of the stream.
        await remote.WriteAsync(LargeFrameStart(1024 * 1024, sent: 200 * 1024));
        await remote.DisposeAsync();
        IpcDisconnectedException reason = await receiver.Closed.Task.WithTimeout("the link to close");

        // Assert
        reason.Reason.Should().Be(DisconnectReason.ProtocolViolation);
        await transport.Completion.WithTimeout("the transport to finish");
    }

    [Fact]
    public async Task ClosedWhileALargeFrameIsHalfRead_FinishesWithoutWaitingForThePeer()
    {
        // Arrange
        (Stream local, Stream remote) = await SocketPair.CreateAsync();
        await using (remote)
        {
            var receiver = new RecordingReceiver();
            var transport = new StreamTransport(new FramedStream(local, 64 * 1024 * 1024));
            transport.Start(receiver);
            await remote.WriteAsync(LargeFrameStart(1024 * 1024, sent: 200 * 1024));
            await remote.FlushAsync();
            await Task.Delay(100);

            // Act: the peer stays connected and silent, in the middle of the frame.
            transport.Close(new IpcDisconnectedException("closed by the test", DisconnectReason.LocalClosed));

            // Assert
            await transport.Completion.WithTimeout("the transport to finish");
            receiver.Frames.Should().Be(0);
        }
    }

    /// <summary>ASCII text that differs from position to position, so a misplaced or lost chunk shows.</summary>
    private static string Pattern(int length, int seed)
        => string.Create(length, seed, (chars, s) =>
        {
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + ((i * 31) + (i / 4093) + s) % 26);
            }
        });

    /// <summary>The first <paramref name="sent"/> body bytes of a Send frame with a payload of <paramref name="payload"/> bytes.</summary>
    private static byte[] LargeFrameStart(int payload, int sent)
    {
        byte[] header = { (byte)FrameKind.Send, 0, 0, 1, (byte)'x', 0 };
        byte[] bytes = new byte[FrameCodec.LengthPrefixSize + sent];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(header.Length + payload));
        header.CopyTo(bytes, FrameCodec.LengthPrefixSize);
        return bytes;
    }

    private sealed class RecordingReceiver : IFrameReceiver
    {
        private int frames;

        public TaskCompletionSource<IpcDisconnectedException> Closed { get; } = Signal.Create<IpcDisconnectedException>();

        public int Frames => this.frames;

        public void OnFrame(Frame frame) => System.Threading.Interlocked.Increment(ref this.frames);

        public void OnTransportClosed(IpcDisconnectedException reason) => this.Closed.TrySetResult(reason);
    }
}
