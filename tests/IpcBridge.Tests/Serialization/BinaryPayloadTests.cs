using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Core;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Tests.Ports;

namespace IpcBridge.Tests.Serialization;

/// <summary>A value with bytes inside it, in every form that travels as a binary segment.</summary>
public sealed class Blob
{
    public string Name { get; set; } = string.Empty;

    public byte[]? Data { get; set; }

    public ReadOnlyMemory<byte> View { get; set; }

    public Memory<byte> Scratch { get; set; }

    public List<byte[]> Parts { get; set; } = new();
}

/// <summary>Source-generated metadata with bytes in it, as a trimmed or Native AOT application declares them.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Blob))]
[JsonSerializable(typeof(byte[]))]
[JsonSerializable(typeof(int))]
public sealed partial class BinaryJsonContext : JsonSerializerContext
{
}

/// <summary>A contract whose arguments and results are bytes.</summary>
[IpcContract("blobs")]
public interface IBlobs
{
    Task<byte[]> ReverseAsync(byte[] data, string tag);

    Task<Blob> WrapAsync(ReadOnlyMemory<byte> data);
}

/// <summary>
/// <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/> and <see cref="Memory{T}"/> of bytes, on their own or inside other values,
/// in every direction and on both transports: they arrive unchanged, and a receiver never shares an array with the sender
/// or another receiver.
/// </summary>
public class BinaryPayloadTests
{
    private static readonly IpcInvokeChannel<Blob, Blob> TypedEcho = new("blobs:typed-echo", BinaryJsonContext.Default.Blob, BinaryJsonContext.Default.Blob);

    private static readonly IpcStreamChannel<int, byte[]> TypedChunks = new("blobs:typed-chunks", BinaryJsonContext.Default.Int32, BinaryJsonContext.Default.ByteArray);

    public static TheoryData<TransportKind, int> TransportsAndSizes
    {
        get
        {
            var data = new TheoryData<TransportKind, int>();
            foreach (TransportKind transport in new[] { TransportKind.InProcess, TransportKind.Stream })
            {
                foreach (int size in new[] { 0, 1, (64 * 1024) - 1, 64 * 1024, (1024 * 1024) + 3 })
                {
                    data.Add(transport, size);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Send_ByteArray_ListenerGetsAnEqualArrayOfItsOwn_ChangesAfterSendNeverReachIt(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<(byte[] First, byte[] Second)>();
        bridge.IpcMain.On("bytes", (_, a) => seen.Add((a.Get<byte[]>(0), a.Get<byte[]>(0))));
        TestRenderer renderer = await bridge.AddRendererAsync();
        byte[] sent = Pattern(1000, seed: 1);
        byte[] original = sent.ToArray();

        // Act: the sender reuses its array at once, as a caller of a send may.
        renderer.Ipc.Send("bytes", sent);
        Array.Fill(sent, (byte)0xEE);
        await seen.WaitForCount(1);

        // Assert
        (byte[] first, byte[] second) = seen.Items[0];
        first.Should().Equal(original);
        second.Should().Equal(original);
        first.Should().NotBeSameAs(second, "every read is a fresh array its reader owns");
        first.Should().NotBeSameAs(sent);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Send_MainToRenderer_EveryBinaryFormAndItsNeighboursArriveUnchanged(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<(string Before, byte[] Array, byte[] View, byte[] Memory, int After, byte[]? Null)>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
            ipc.On("mixed", (_, a) => seen.Add((a.Get<string>(0), a.Get<byte[]>(1), a.Get<ReadOnlyMemory<byte>>(2).ToArray(), a.Get<Memory<byte>>(3).ToArray(), a.Get<int>(4), a.Get<byte[]?>(5)))));

        // Act
        renderer.WebContents.Send("mixed", "before", new byte[] { 1, 2, 3 }, new ReadOnlyMemory<byte>(new byte[] { 9, 4, 5, 6, 9 }, 1, 3), new Memory<byte>(new byte[] { 7, 8 }), 42, null);
        await seen.WaitForCount(1);

        // Assert
        seen.Items[0].Should().BeEquivalentTo(("before", new byte[] { 1, 2, 3 }, new byte[] { 4, 5, 6 }, new byte[] { 7, 8 }, 42, (byte[]?)null));
    }

    [Theory]
    [MemberData(nameof(TransportsAndSizes))]
    public async Task Invoke_BytesInsideAValue_EchoedUnchangedAroundTheDirectSize(TransportKind transport, int size)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<Blob, Blob>("blob", (_, blob) => blob);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var blob = new Blob
        {
            Name = "n",
            Data = Pattern(size, seed: 2),
            View = Pattern(size, seed: 3),
            Scratch = Pattern(size / 2, seed: 4),
            Parts = { Pattern(3, seed: 5), Array.Empty<byte>(), Pattern(size, seed: 6) },
        };

        // Act
        Blob echoed = await renderer.Ipc.InvokeAsync<Blob>("blob", blob).WithTimeout();

        // Assert
        echoed.Name.Should().Be("n");
        echoed.Data.Should().Equal(blob.Data);
        echoed.View.ToArray().Should().Equal(blob.View.ToArray());
        echoed.Scratch.ToArray().Should().Equal(blob.Scratch.ToArray());
        echoed.Parts.Should().HaveCount(3);
        echoed.Parts[0].Should().Equal(blob.Parts[0]);
        echoed.Parts[1].Should().BeEmpty();
        echoed.Parts[2].Should().Equal(blob.Parts[2]);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Invoke_MainToRendererHandler_BytesArgumentAndResult(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
            ipc.Handle("reverse", (_, a) => Enumerable.Reverse(a.Get<byte[]>(0)).ToArray()));
        byte[] data = Pattern(200 * 1024, seed: 7);

        // Act
        byte[] reversed = await renderer.WebContents.InvokeAsync<byte[]>("reverse", data).WithTimeout();

        // Assert
        reversed.Should().Equal(Enumerable.Reverse(data));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Invoke_HandlerReturnsTheSameArrayTwice_EachCallerGetsAnArrayOfItsOwn(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        byte[] cached = Pattern(128 * 1024, seed: 8);
        bridge.IpcMain.Handle<byte[]>("cached", (_, _) => cached);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        byte[] first = await renderer.Ipc.InvokeAsync<byte[]>("cached").WithTimeout();
        Array.Fill(first, (byte)0);
        byte[] second = await renderer.Ipc.InvokeAsync<byte[]>("cached").WithTimeout();

        // Assert
        first.Should().NotBeSameAs(cached);
        second.Should().NotBeSameAs(first);
        second.Should().Equal(cached);
        cached.Should().Equal(Pattern(128 * 1024, seed: 8), "what a caller does to its result never reaches the handler's array");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task SendSync_ReturnValueBytes_ArriveUnchanged(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.On("sync-bytes", (e, a) => e.ReturnValue = a.Get<byte[]>(0).Select(b => (byte)(b + 1)).ToArray());
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        byte[] answer = await Task.Run(() => renderer.Ipc.SendSync<byte[]>("sync-bytes", new byte[] { 1, 2, 255 })).WithTimeout();

        // Assert
        answer.Should().Equal(2, 3, 0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_ByteItems_ArriveInOrderEachInItsOwnArray(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        byte[] reused = new byte[100 * 1024];
        bridge.IpcMain.HandleStream("chunks", (e, a) => Chunks(reused, a.Get<int>(0), e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act: the producer overwrites one buffer for every item, as a reader of a file would.
        var items = new List<byte[]>();
        await foreach (byte[] item in renderer.Ipc.InvokeStream<byte[]>("chunks", 20).WithTimeout())
        {
            items.Add(item);
        }

        // Assert
        items.Should().HaveCount(20);
        items.Select((item, i) => item.All(b => b == (byte)i) && item.Length == reused.Length).Should().AllBeEquivalentTo(true);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PortMessage_Bytes_ArriveUnchangedBothWays(TransportKind transport)
    {
        // Arrange
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge);
        var atRemote = new PortProbe(pair.Remote);
        var atLocal = new PortProbe(pair.Local);
        pair.Remote.Start();
        pair.Local.Start();
        byte[] large = Pattern(300 * 1024, seed: 9);

        // Act
        pair.Local.PostMessage(new byte[] { 1, 2, 3 });
        pair.Local.PostMessage(new Blob { Name = "big", Data = large });
        pair.Remote.PostMessage((ReadOnlyMemory<byte>)large.AsMemory(5, 10));
        await atRemote.WaitForCount(2);
        await atLocal.WaitForCount(1);

        // Assert
        atRemote.Received[0].GetData<byte[]>().Should().Equal(1, 2, 3);
        atRemote.Received[1].GetData<Blob>().Data.Should().Equal(large);
        atLocal.Received[0].GetData<byte[]>().Should().Equal(large.Skip(5).Take(10));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Broadcast_Bytes_EachRendererGetsItsOwnArray(TransportKind transport)
    {
        // Arrange: each listener scribbles over what it got, after keeping a copy of what arrived.
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<byte[]>();
        Action<IpcRenderer, ContextBridge> preload = (ipc, _) => ipc.On("all", (_, a) =>
        {
            byte[] got = a.Get<byte[]>(0);
            seen.Add(got.ToArray());
            Array.Fill(got, (byte)0);
        });
        await bridge.AddRendererAsync(preload: preload);
        await bridge.AddRendererAsync(preload: preload);
        await bridge.AddRendererAsync(preload: preload);
        byte[] data = Pattern(70 * 1024, seed: 10);

        // Act
        int reached = bridge.Main.Broadcast("all", data);
        await seen.WaitForCount(3);

        // Assert
        reached.Should().Be(3);
        seen.Items.Should().AllSatisfy(got => got.Should().Equal(data));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Listeners_OneWritesItsArray_TheNextReadsTheBytesAsSentAsArrayAndView(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<byte[]>();
        bridge.IpcMain.On("shared", (_, a) => Array.Fill(a.Get<byte[]>(0), (byte)0));
        bridge.IpcMain.On("shared", (_, a) => seen.Add(a.Get<ReadOnlyMemory<byte>>(0).ToArray()));
        bridge.IpcMain.On("shared", (_, a) => seen.Add(a.Get<byte[]>(0)));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("shared", new byte[] { 5, 6, 7 });
        await seen.WaitForCount(2);

        // Assert
        seen.Items.Should().AllSatisfy(got => got.Should().Equal(5, 6, 7));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedChannels_SourceGeneratedMetadata_CarryBytesAsSegments(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var traced = new Recorder<IpcFrameTrace>();
        bridge.IpcMain.Handle(TypedEcho, (_, blob) => blob);
        bridge.IpcMain.HandleStream(TypedChunks, (_, count) => Chunks(new byte[10], count, CancellationToken.None));
        TestRenderer renderer = await bridge.AddRendererAsync();
        byte[] data = Pattern(100 * 1024, seed: 11);

        // Act
        Blob echoed = await renderer.Ipc.InvokeAsync(TypedEcho, new Blob { Name = "typed", Data = data, View = data.AsMemory(1, 2) }).WithTimeout();
        var chunks = new List<byte[]>();
        await foreach (byte[] chunk in renderer.Ipc.InvokeStream(TypedChunks, 3).WithTimeout())
        {
            chunks.Add(chunk);
        }

        // Assert
        echoed.Data.Should().Equal(data);
        echoed.View.ToArray().Should().Equal(data.Skip(1).Take(2));
        chunks.Should().HaveCount(3);
        chunks[2].Should().Equal(Enumerable.Repeat((byte)2, 10));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Contract_BytesArgumentsAndResults_RoundTrip(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleContract<IBlobs>(new Blobs());
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IBlobs>());
        IBlobs blobs = renderer.Ipc.GetContract<IBlobs>();

        // Act
        byte[] reversed = await blobs.ReverseAsync(new byte[] { 1, 2, 3 }, "t").WithTimeout();
        Blob wrapped = await blobs.WrapAsync(new byte[] { 4, 5 }).WithTimeout();

        // Assert
        reversed.Should().Equal(3, 2, 1);
        wrapped.Name.Should().Be("2 bytes");
        wrapped.Data.Should().Equal(4, 5);
    }

    [Fact]
    public async Task ContextBridge_BytesCrossingTheBridge_AreCopied()
    {
        // Arrange
        await using var bridge = Bridge.Create(TransportKind.InProcess);
        var api = new Blobs();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (_, context) => context.ExposeInMainWorld<IBlobs>("blobs", api));
        IBlobs exposed = renderer.MainWorld.Get<IBlobs>("blobs");
        byte[] data = { 1, 2, 3 };

        // Act
        byte[] reversed = await exposed.ReverseAsync(data, "t").WithTimeout();

        // Assert
        reversed.Should().Equal(3, 2, 1);
        api.LastSeen.Should().NotBeSameAs(data);
        data.Should().Equal(1, 2, 3);
    }

    internal static byte[] Pattern(int length, int seed)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (i / 251) + seed);
        }

        return bytes;
    }

    private static async IAsyncEnumerable<byte[]> Chunks(byte[] reused, int count, [EnumeratorCancellation] CancellationToken token)
    {
        for (int i = 0; i < count; i++)
        {
            token.ThrowIfCancellationRequested();
            Array.Fill(reused, (byte)i);
            yield return reused;
            await Task.Yield();
        }
    }

    private sealed class Blobs : IBlobs
    {
        public byte[]? LastSeen { get; private set; }

        public Task<byte[]> ReverseAsync(byte[] data, string tag)
        {
            this.LastSeen = data;
            byte[] reversed = Enumerable.Reverse(data).ToArray();
            Array.Fill(data, (byte)0);
            return Task.FromResult(reversed);
        }

        public Task<Blob> WrapAsync(ReadOnlyMemory<byte> data) => Task.FromResult(new Blob { Name = $"{data.Length} bytes", Data = data.ToArray() });
    }
}
