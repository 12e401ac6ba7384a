using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Serialization;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Transport;

namespace IpcBridge.Tests.Transport;

/// <summary>
/// Binary segments on the wire (docs/protocol.md): the exact bytes, the direct path for large segments, and a peer that
/// lies about them, which is cut off (a segment table larger than its frame) or answered with a typed error (a
/// reference to a segment the frame does not carry), never crashing either end.
/// </summary>
public class BinaryFrameTests
{
    [Fact]
    public void Write_SendWithBytes_IsExactlyTheExampleInTheProtocolDocument()
    {
        // Arrange: Send("save", "a.bin", new byte[] { 0xAA, 0xBB, 0xCC }, new byte[] { 0xDD }), as docs/protocol.md shows it.
        ReadOnlyMemory<byte> payload = PayloadSerializer.Default.SerializeArgs(new object?[] { "a.bin", new byte[] { 0xAA, 0xBB, 0xCC }, new byte[] { 0xDD } });
        var frame = new Frame(FrameKind.Send, 0, "save", payload);
        var written = new ArrayBufferWriter<byte>();
        const string Documented = "2f 00 00 00 01 00 00 04 73 61 76 65 00 02 03 01 "
            + "5b 22 61 2e 62 69 6e 22 2c 7b 22 24 62 69 6e 22 3a 30 7d 2c 7b 22 24 62 69 6e 22 3a 31 7d 5d aa bb cc dd";

        // Act
        FrameCodec.Write(written, frame);

        // Assert
        string.Join(" ", written.WrittenSpan.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))).Should().Be(Documented);
    }

    [Fact]
    public void Write_PayloadWithoutBytes_HasABinaryCountOfZero()
    {
        // Arrange
        var frame = new Frame(FrameKind.Send, 0, "c", "[1]"u8.ToArray());
        var written = new ArrayBufferWriter<byte>();

        // Act
        FrameCodec.Write(written, frame);

        // Assert
        written.WrittenSpan.ToArray().Should().Equal(10, 0, 0, 0, (byte)FrameKind.Send, 0, 0, 1, (byte)'c', 0, 0, (byte)'[', (byte)'1', (byte)']');
    }

    [Fact]
    public void Parse_WhatWriteWrote_GivesBackTheJsonAndEverySegment()
    {
        // Arrange
        ReadOnlyMemory<byte> payload = PayloadSerializer.Default.SerializeArgs(new object?[] { new byte[] { 1, 2 }, Array.Empty<byte>(), new byte[] { 3 } });
        var written = new ArrayBufferWriter<byte>();
        FrameCodec.Write(written, new Frame(FrameKind.Invoke, 7, "ch", payload, new[] { new TransferredPort(5, 6, 0) }, 0));

        // Act
        Frame parsed = FrameCodec.Parse(written.WrittenSpan.Slice(FrameCodec.LengthPrefixSize).ToArray());

        // Assert
        parsed.Kind.Should().Be(FrameKind.Invoke);
        parsed.CallId.Should().Be(7);
        parsed.Channel.Should().Be("ch");
        parsed.Ports.Should().Equal(new TransferredPort(5, 6, 0));
        Encoding.UTF8.GetString(parsed.Payload.Span).Should().Be("[{\"$bin\":0},{\"$bin\":1},{\"$bin\":2}]");
        BinaryPayload segments = BinaryPayload.Of(parsed.Payload)!;
        Enumerable.Range(0, segments.Count).Select(i => segments.Segment(i).ToArray()).Should().BeEquivalentTo(new[] { new byte[] { 1, 2 }, Array.Empty<byte>(), new byte[] { 3 } }, o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData(new byte[] { 1, 5 }, "binary segments longer than their frame")]
    [InlineData(new byte[] { 2, 2, 1 }, "binary segments longer than their frame")]
    [InlineData(new byte[] { 9 }, "more binary segments than bytes in its frame")]
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "binary segments longer than their frame")]
    [InlineData(new byte[] { 1, 0x80 }, "binary segments longer than their frame")]
    public void Parse_SegmentTableThatDoesNotFitTheFrame_IsAProtocolViolation(byte[] table, string violation)
    {
        // Arrange: a Send on channel 'c' with this segment table and two bytes after it.
        byte[] body = new byte[] { (byte)FrameKind.Send, 0, 0, 1, (byte)'c', 0 }.Concat(table).Concat(new byte[] { (byte)'[', (byte)']' }).ToArray();

        // Act
        Action parse = () => FrameCodec.Parse(body);

        // Assert
        parse.Should().Throw<IpcProtocolException>().Which.Message.Should().Contain(violation);
    }

    [Fact]
    public async Task StreamTransport_LargeFrameWithSegments_ReadsEachLargeSegmentIntoAnArrayOfItsOwn()
    {
        // Arrange
        (Stream local, Stream remote) = await SocketPair.CreateAsync();
        await using var remoteEnd = remote;
        var receiver = new FrameRecorder();
        var transport = new StreamTransport(new FramedStream(local, 64 * 1024 * 1024));
        transport.Start(receiver);
        byte[] large = IpcBridge.Tests.Serialization.BinaryPayloadTests.Pattern(1024 * 1024, seed: 1);
        byte[] small = { 1, 2, 3 };
        ReadOnlyMemory<byte> payload = PayloadSerializer.Default.SerializeArgs(new object?[] { small, large, small });
        var written = new ArrayBufferWriter<byte>();
        FrameCodec.Write(written, new Frame(FrameKind.Send, 0, "big", payload));

        // Act: in pieces, so the reader sees the header before the rest has arrived.
        await remote.WriteAsync(written.WrittenMemory.Slice(0, 1000));
        await remote.FlushAsync();
        await Task.Delay(50);
        await remote.WriteAsync(written.WrittenMemory.Slice(1000));
        Frame frame = await receiver.First.Task.WithTimeout("the frame");

        // Assert
        BinaryPayload segments = BinaryPayload.Of(frame.Payload)!;
        segments.Segment(0).ToArray().Should().Equal(small);
        segments.Segment(1).ToArray().Should().Equal(large);
        segments.Segment(2).ToArray().Should().Equal(small);
        segments.TryTake(1, out byte[]? own).Should().BeTrue("a large segment is read into an array of its own");
        own.Should().HaveCount(large.Length);
        segments.TryTake(1, out _).Should().BeFalse("it can be taken once");
        segments.TryTake(0, out _).Should().BeFalse("a small segment shares its array with the JSON");
        transport.Close(new IpcDisconnectedException("test over", DisconnectReason.LocalClosed));
        await transport.Completion.WithTimeout();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamTransport_SegmentLengthsBeyondTheFrame_ClosesTheLinkAsAProtocolViolation(bool large)
    {
        // Arrange
        (Stream local, Stream remote) = await SocketPair.CreateAsync();
        await using var remoteEnd = remote;
        var receiver = new FrameRecorder();
        var transport = new StreamTransport(new FramedStream(local, 64 * 1024 * 1024));
        transport.Start(receiver);
        int announced = large ? 1024 * 1024 : 100;

        // Act: a Send whose one segment claims a byte more than the whole frame; a large frame arrives only in part.
        byte[] header = new byte[] { (byte)FrameKind.Send, 0, 0, 1, (byte)'c', 0, 1 }.Concat(Varint((ulong)announced + 1)).ToArray();
        byte[] bytes = new byte[FrameCodec.LengthPrefixSize + (large ? 4096 : announced)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)announced);
        header.CopyTo(bytes, FrameCodec.LengthPrefixSize);
        await remote.WriteAsync(bytes);
        await remote.FlushAsync();
        IpcDisconnectedException reason = await receiver.Closed.Task.WithTimeout("the link to close");

        // Assert
        reason.Reason.Should().Be(DisconnectReason.ProtocolViolation);
        reason.InnerException!.Message.Should().Contain("binary segments longer than their frame");
        receiver.Count.Should().Be(0);
        await transport.Completion.WithTimeout("the transport to finish");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Invoke_ReferenceToASegmentTheFrameDoesNotCarry_CallerGetsASerializationErrorAndTheLinkStays(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<byte[], int>("length", (_, data) => data.Length);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var lying = new BinaryPayload(new ArraySegment<byte>("[{\"$bin\":1}]"u8.ToArray()), new ReadOnlyMemory<byte>[] { new byte[] { 1 } }, segmentsOwned: false).Memory;

        // Act: below IpcRenderer, which would never write this; then a well-formed call on the same link.
        Task<ReadOnlyMemory<byte>> bad = renderer.Ipc.Connection.CallAsync(FrameKind.Invoke, "length", lying, null, CancellationToken.None, out _);
        Task<ReadOnlyMemory<byte>> noSegments = renderer.Ipc.Connection.CallAsync(FrameKind.Invoke, "length", "[{\"$bin\":0}]"u8.ToArray(), null, CancellationToken.None, out _);
        Func<Task> awaitBad = () => bad.WithTimeout();
        Func<Task> awaitNoSegments = () => noSegments.WithTimeout();

        // Assert
        (await awaitBad.Should().ThrowAsync<IpcSerializationException>()).Which.Message.Should().Contain("binary segment 1");
        (await awaitNoSegments.Should().ThrowAsync<IpcSerializationException>()).Which.Message.Should().Contain("binary segment 0");
        (await renderer.Ipc.InvokeAsync<int>("length", new byte[] { 1, 2 }).WithTimeout()).Should().Be(2);
        renderer.WebContents.IsDestroyed.Should().BeFalse();
    }

    [Theory]
    [InlineData("{\"$bin\":0,\"more\":1}")]
    [InlineData("{\"bin\":0}")]
    [InlineData("{\"$bin\":\"0\"}")]
    [InlineData("{\"$bin\":-1}")]
    [InlineData("[1,2]")]
    public void Read_MalformedBinaryReference_IsASerializationError(string json)
    {
        // Arrange
        var payload = new BinaryPayload(new ArraySegment<byte>(Encoding.UTF8.GetBytes(json)), new ReadOnlyMemory<byte>[] { new byte[] { 1 } }, segmentsOwned: false).Memory;

        // Act
        Action read = () => PayloadSerializer.Default.Deserialize<byte[]>(payload, "a test value");

        // Assert
        read.Should().Throw<IpcSerializationException>();
    }

    [Fact]
    public void Read_Base64String_ReadsAsBytes()
    {
        // Act
        byte[] read = PayloadSerializer.Default.Deserialize<byte[]>("\"AQID\""u8.ToArray(), "a test value");

        // Assert
        read.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Serialize_SourceGeneratedMetadata_WritesBytesAsSegments()
    {
        // Arrange
        var blob = new IpcBridge.Tests.Serialization.Blob { Name = "n", Data = new byte[] { 1 }, View = new byte[] { 2, 3 } };

        // Act
        ReadOnlyMemory<byte> payload = PayloadSerializer.SerializeValue(blob, IpcBridge.Tests.Serialization.BinaryJsonContext.Default.Blob);

        // Assert
        Encoding.UTF8.GetString(payload.Span).Should().Contain("\"data\":{\"$bin\":0}").And.Contain("\"view\":{\"$bin\":1}");
        BinaryPayload.Of(payload)!.Count.Should().Be(3, "data, view and the empty scratch memory");
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return bytes.ToArray();
    }

    private sealed class FrameRecorder : IFrameReceiver
    {
        private int count;

        public TaskCompletionSource<Frame> First { get; } = Signal.Create<Frame>();

        public TaskCompletionSource<IpcDisconnectedException> Closed { get; } = Signal.Create<IpcDisconnectedException>();

        public int Count => this.count;

        public void OnFrame(Frame frame)
        {
            Interlocked.Increment(ref this.count);
            this.First.TrySetResult(frame);
        }

        public void OnTransportClosed(IpcDisconnectedException reason) => this.Closed.TrySetResult(reason);
    }
}
