using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Calls;

/// <summary>Handlers returning <see cref="IAsyncEnumerable{T}"/>: items stream to the caller with back-pressure.</summary>
public class StreamingTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_MainHandler_AllItemsArriveInOrder(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleStream("count", (e, a) => Range(a.Get<int>(0), e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        List<int> items = await Collect(renderer.Ipc.InvokeStream<int>("count", 1000));

        // Assert
        items.Should().Equal(Enumerable.Range(0, 1000));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_FromMainToRendererHandler_AllItemsArriveInOrder(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
            ipc.HandleStream("letters", (e, a) => Letters(a.Get<string>(0))));

        // Act
        List<string> items = await Collect(renderer.WebContents.InvokeStream<string>("letters", "stream"));

        // Assert
        items.Should().Equal("s", "t", "r", "e", "a", "m");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_SlowReader_ProducerNeverRunsMoreThanTheWindowAhead(TransportKind transport)
    {
        // Arrange
        const int Window = 4;
        await using var bridge = Bridge.Create(transport, new IpcBridgeOptions { StreamWindow = Window });
        int consumed = 0, produced = 0, worstLead = 0;
        bridge.IpcMain.HandleStream("numbers", (e, a) => Produce(e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();

        async IAsyncEnumerable<int> Produce([EnumeratorCancellation] CancellationToken token)
        {
            for (int i = 0; i < 200; i++)
            {
                // Item i is emitted after this yield; it may go only when fewer than Window items are unread.
                int lead = i - Volatile.Read(ref consumed);
                InterlockedMax(ref worstLead, lead);
                Interlocked.Increment(ref produced);
                yield return i;
                await Task.Yield();
            }
        }

        // Act: read slowly, yielding between items so the producer gets every chance to run ahead.
        int expected = 0;
        await foreach (int item in renderer.Ipc.InvokeStream<int>("numbers").WithTimeout())
        {
            item.Should().Be(expected++);
            for (int spin = 0; spin < 3; spin++)
            {
                await Task.Yield();
            }

            Interlocked.Increment(ref consumed);
        }

        // Assert: one item may be read but not yet counted, and one produced but waiting for credit.
        expected.Should().Be(200);
        worstLead.Should().BeLessThanOrEqualTo(Window + 1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_ReaderStopsEarly_ProducerIsCancelledAndStops(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var stopped = Signal.Create<bool>();
        bridge.IpcMain.HandleStream("endless", (e, a) => Endless(stopped, e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        var read = new List<int>();
        await foreach (int item in renderer.Ipc.InvokeStream<int>("endless").WithTimeout())
        {
            read.Add(item);
            if (read.Count == 10)
            {
                break;
            }
        }

        // Assert
        read.Should().Equal(Enumerable.Range(0, 10));
        (await stopped.Task.WithTimeout("the producer to stop")).Should().BeTrue("the producer saw its token cancelled");
        bridge.IpcMain.Handle("after", (e, a) => "ok");
        (await renderer.Ipc.InvokeAsync<string>("after").WithTimeout()).Should().Be("ok");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_CancelledThroughWithCancellation_ReaderGetsOperationCanceledAndProducerStops(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var stopped = Signal.Create<bool>();
        bridge.IpcMain.HandleStream("endless", (e, a) => Endless(stopped, e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();
        using var cts = new CancellationTokenSource();

        // Act
        Func<Task> act = async () =>
        {
            await foreach (int item in renderer.Ipc.InvokeStream<int>("endless").WithCancellation(cts.Token))
            {
                if (item == 5)
                {
                    cts.Cancel();
                }
            }
        };

        // Assert
        await act.Should().ThrowAsync<OperationCanceledException>().WithTimeout();
        (await stopped.Task.WithTimeout("the producer to stop")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_HandlerThrowsMidway_ItemsBeforeThenInvocationException(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleStream("faulty", (e, a) => Faulty());
        TestRenderer renderer = await bridge.AddRendererAsync();
        var read = new List<int>();

        // Act
        Func<Task> act = async () =>
        {
            await foreach (int item in renderer.Ipc.InvokeStream<int>("faulty").WithTimeout())
            {
                read.Add(item);
            }
        };

        // Assert
        IpcInvocationException error = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        error.RemoteTypeName.Should().Be(typeof(InvalidOperationException).FullName);
        error.RemoteMessage.Should().Be("broke after 3");
        read.Should().Equal(0, 1, 2);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_WrongKindOfHandler_FailsClearlyBothWays(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("single", (e, a) => 1);
        bridge.IpcMain.HandleStream("many", (e, a) => Range(3, e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> streamOfSingle = () => Collect(renderer.Ipc.InvokeStream<int>("single"));
        Func<Task> singleOfStream = () => renderer.Ipc.InvokeAsync<int>("many").WithTimeout();
        Func<Task> none = () => Collect(renderer.Ipc.InvokeStream<int>("nothing"));

        // Assert
        (await streamOfSingle.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Contain("not a stream");
        (await singleOfStream.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Contain("InvokeStream");
        (await none.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Contain("'nothing'");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_EndpointDies_StreamEndsWithDisconnected(TransportKind transport)
    {
        // Arrange: main reads a renderer's endless stream; the renderer goes away midway.
        await using var bridge = Bridge.Create(transport);
        var stopped = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
            ipc.HandleStream("endless", (e, a) => Endless(stopped, e.CancellationToken)));
        int read = 0;

        // Act
        Func<Task> act = async () =>
        {
            await foreach (int item in renderer.WebContents.InvokeStream<int>("endless"))
            {
                if (++read == 3)
                {
                    await renderer.DisposeAsync();
                }
            }
        };

        // Assert
        await act.Should().ThrowAsync<IpcDisconnectedException>().WithTimeout();
        (await stopped.Task.WithTimeout("the producer to stop")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_AllowlistDenied_ThrowsBeforeSending(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bool ran = false;
        bridge.IpcMain.HandleStream("secret", (e, a) => { ran = true; return Range(1, e.CancellationToken); });
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowInvoke("open"));

        // Act
        Action act = () => renderer.Ipc.InvokeStream<int>("secret");

        // Assert
        act.Should().Throw<IpcAccessDeniedException>();
        ran.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_ProducerSendsBeyondItsCredit_IsDisconnectedAsAProtocolViolation(TransportKind transport)
    {
        // Arrange: a renderer asks for a stream with a window of 2 from a handler that has not produced anything yet.
        await using var bridge = Bridge.Create(transport, new IpcBridgeOptions { StreamWindow = 2 });
        var started = Signal.Create<bool>();
        bridge.IpcMain.HandleStream("quiet", (e, a) => Quiet(started, e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();
        var gone = Signal.Create<DisconnectReason>();
        renderer.Ipc.Disconnected += (_, e) => gone.TrySetResult(e.Reason);
        IAsyncEnumerator<int> reader = renderer.Ipc.InvokeStream<int>("quiet").GetAsyncEnumerator();
        Task<bool> pending = reader.MoveNextAsync().AsTask();
        await started.Task.WithTimeout("the handler");

        // Act: three items for that call (the link's first, id 1), written straight onto main's side of the link.
        for (int i = 0; i < 3; i++)
        {
            renderer.WebContents.Connection.Write(new Protocol.Frame(Protocol.FrameKind.StreamItem, 1, string.Empty, "9"u8.ToArray()));
        }

        // Assert
        (await gone.Task.WithTimeout("the renderer to drop the link")).Should().Be(DisconnectReason.ProtocolViolation);
        Func<Task> read = async () =>
        {
            while (await pending)
            {
                pending = reader.MoveNextAsync().AsTask();
            }
        };
        await read.Should().ThrowAsync<IpcDisconnectedException>().WithTimeout();
        await reader.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeStream_ForgedWithNoCredit_CallerIsDisconnectedAndHandlerNeverRuns(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bool ran = false;
        bridge.IpcMain.HandleStream("count", (e, a) => { ran = true; return Range(3, e.CancellationToken); });
        TestRenderer renderer = await bridge.AddRendererAsync();
        var gone = Signal.Create<DisconnectReason>();
        renderer.Ipc.Disconnected += (_, e) => gone.TrySetResult(e.Reason);

        // Act: a stream invoke below IpcRenderer that grants the producer nothing.
        renderer.Ipc.Connection.Write(new Protocol.Frame(Protocol.FrameKind.InvokeStream, 1, "count", "[]"u8.ToArray(), null, 0));

        // Assert
        (await gone.Task.WithTimeout("main to drop the renderer")).Should().Be(DisconnectReason.ProtocolViolation);
        ran.Should().BeFalse();
    }

    private static async IAsyncEnumerable<int> Quiet(TaskCompletionSource<bool> started, [EnumeratorCancellation] CancellationToken token)
    {
        started.TrySetResult(true);
        await Task.Delay(Timeout.InfiniteTimeSpan, token);
        yield return 0;
    }

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items.WithTimeout())
        {
            list.Add(item);
        }

        return list;
    }

    private static async IAsyncEnumerable<int> Range(int count, [EnumeratorCancellation] CancellationToken token = default)
    {
        for (int i = 0; i < count; i++)
        {
            token.ThrowIfCancellationRequested();
            yield return i;
        }

        await Task.CompletedTask;
    }

    private static async IAsyncEnumerable<string> Letters(string text)
    {
        foreach (char c in text)
        {
            await Task.Yield();
            yield return c.ToString();
        }
    }

    private static async IAsyncEnumerable<int> Endless(TaskCompletionSource<bool> stopped, [EnumeratorCancellation] CancellationToken token = default)
    {
        try
        {
            for (int i = 0; ; i++)
            {
                yield return i;
                await Task.Yield();
            }
        }
        finally
        {
            stopped.TrySetResult(token.IsCancellationRequested);
        }
    }

    private static async IAsyncEnumerable<int> Faulty()
    {
        for (int i = 0; i < 3; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw new InvalidOperationException("broke after 3");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
