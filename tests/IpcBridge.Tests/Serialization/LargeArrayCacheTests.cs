using System;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Serialization;
using IpcBridge.Tests.Core;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Serialization;

/// <summary>
/// A stream transport reuses the sender's copies of large bytes once it has written them (<see cref="LargeArrayCache"/>),
/// and never an array anything else may still hold: a payload that was read, or that a broadcast wrote to several links.
/// Each test uses a length of its own, so tests running beside it never meet its arrays in the shared cache.
/// </summary>
public class LargeArrayCacheTests
{
    [Fact]
    public void Recycle_FreshPayload_NextCopyOfThatLengthReusesItsArray()
    {
        // Arrange
        byte[] data = BinaryPayloadTests.Pattern(300_001, seed: 1);
        ReadOnlyMemory<byte> payload = PayloadSerializer.Default.SerializeArgs(new object[] { data });
        BinaryPayload binary = BinaryPayload.Of(payload)!;
        ReadOnlyMemory<byte> copy = binary.Segment(0);

        // Act
        binary.Recycle();
        byte[] next = LargeArrayCache.Rent(data.Length);

        // Assert
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(copy, out ArraySegment<byte> written).Should().BeTrue();
        next.Should().BeSameAs(written.Array, "the written copy serves the next payload of its length");
    }

    [Fact]
    public void Recycle_PayloadThatWasRead_KeepsItsArraysOutOfTheCache()
    {
        // Arrange: a sole reader takes the segment's array, as a byte[] handler argument does.
        byte[] data = BinaryPayloadTests.Pattern(300_003, seed: 2);
        ReadOnlyMemory<byte> payload = PayloadSerializer.Default.SerializeArgs(new object[] { data });
        byte[][] read = PayloadSerializer.Default.Deserialize<byte[][]>(payload, "test", soleReader: true);

        // Act
        BinaryPayload.Of(payload)!.Recycle();
        byte[] next = LargeArrayCache.Rent(data.Length);

        // Assert
        next.Should().NotBeSameAs(read[0], "the reader owns that array now");
        read[0].Should().Equal(data);
    }

    [Fact]
    public void Recycle_SharedPayload_KeepsItsArraysOutOfTheCache()
    {
        // Arrange
        byte[] data = BinaryPayloadTests.Pattern(300_005, seed: 3);
        ReadOnlyMemory<byte> payload = PayloadSerializer.Default.SerializeArgs(new object[] { data });
        BinaryPayload binary = BinaryPayload.Of(payload)!;
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(binary.Segment(0), out ArraySegment<byte> copy);

        // Act
        binary.Share();
        binary.Recycle();
        byte[] next = LargeArrayCache.Rent(data.Length);

        // Assert
        next.Should().NotBeSameAs(copy.Array);
    }

    [Fact]
    public async Task Broadcast_LargeBytesToStreamRenderers_NoLinkReusesTheArrayTheOthersStillWrite()
    {
        // Arrange: three renderers behind stream transports; each keeps what arrived.
        const int Length = 300_007;
        await using var bridge = Bridge.Create(TransportKind.Stream);
        var seen = new Recorder<byte[]>();
        var fences = new Recorder<int>();
        Action<IpcRenderer, ContextBridge> preload = (ipc, _) =>
        {
            // A view, not a byte[]: a receiver's own copy would come from the same cache and hide what the test looks for.
            ipc.On("all", (_, a) => seen.Add(a.Get<ReadOnlyMemory<byte>>(0).ToArray()));
            ipc.On("fence", (_, _) => fences.Add(0));
        };
        await bridge.AddRendererAsync(preload: preload);
        await bridge.AddRendererAsync(preload: preload);
        await bridge.AddRendererAsync(preload: preload);
        byte[] first = BinaryPayloadTests.Pattern(Length, seed: 4);
        byte[] second = BinaryPayloadTests.Pattern(Length, seed: 5);

        // Act: a link's writer takes its next frame (the fence) only after it is done with the one before.
        bridge.Main.Broadcast("all", first);
        bridge.Main.Broadcast("fence");
        await fences.WaitForCount(3);
        byte[] next = LargeArrayCache.Rent(Length);
        bridge.Main.Broadcast("all", second);
        await seen.WaitForCount(6);

        // Assert
        next.AsSpan().SequenceEqual(first).Should().BeFalse("a broadcast's payload is never recycled: the other links may still be writing it");
        seen.Items.Count(b => b.AsSpan().SequenceEqual(first)).Should().Be(3);
        seen.Items.Count(b => b.AsSpan().SequenceEqual(second)).Should().Be(3);
    }

    [Fact]
    public async Task Invoke_LargeBytesOverAStream_SenderCopiesReuseTheWrittenArraysAndEveryCallArrivesIntact()
    {
        // Arrange: main's handler is the argument's only reader, so it takes the array it read and copies nothing.
        const int Length = 300_009;
        await using var bridge = Bridge.Create(TransportKind.Stream);
        var fences = new Recorder<int>();
        bridge.IpcMain.Handle<byte[], int>("sum", (_, data) => data.Sum(b => b));
        bridge.IpcMain.On("fence", (_, _) => fences.Add(0));
        TestRenderer renderer = await bridge.AddRendererAsync();
        byte[][] sent = Enumerable.Range(0, 8).Select(i => BinaryPayloadTests.Pattern(Length, seed: 10 + i)).ToArray();

        // Act: all calls at once, so later copies are made while earlier frames still wait to be written; the fence
        // is written only after the writer is done with every call before it.
        int[] sums = await Task.WhenAll(sent.Select(data => renderer.Ipc.InvokeAsync<int>("sum", data)));
        renderer.Ipc.Send("fence");
        await fences.WaitForCount(1);

        // Assert
        sums.Should().Equal(sent.Select(data => data.Sum(b => b)));
        byte[] next = LargeArrayCache.Rent(Length);
        sent.Any(s => s.AsSpan().SequenceEqual(next)).Should().BeTrue("a written copy waits in the cache for the next payload of its length");
    }
}
