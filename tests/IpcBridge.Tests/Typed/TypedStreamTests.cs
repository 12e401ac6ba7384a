using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Typed;

public class TypedStreamTests
{
    private static readonly IpcStreamChannel<int, Order> Orders = new("orders:stream", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Order);

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandleStreamTyped_RendererReadsEveryItemInOrder(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleStream(Orders, (e, count) => Produce(count, e.CancellationToken));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        List<Order> items = await ReadAllAsync(renderer.Ipc.InvokeStream(Orders, 40)).WithTimeout();

        // Assert
        items.Should().HaveCount(40);
        items[0].Should().Be(new Order("o-0", 0));
        items[39].Should().Be(new Order("o-39", 39));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandleStreamTyped_CallerStoppingEarlyCancelsTheHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var stopped = Signal.Create<bool>();
        bridge.IpcMain.HandleStream(Orders, (e, count) =>
        {
            e.CancellationToken.Register(() => stopped.TrySetResult(true));
            return Produce(int.MaxValue, e.CancellationToken);
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        var first = new List<Order>();
        await foreach (Order o in renderer.Ipc.InvokeStream(Orders, 0).WithTimeout())
        {
            first.Add(o);
            if (first.Count == 3)
            {
                break;
            }
        }

        // Assert
        first.Should().HaveCount(3);
        (await stopped.Task.WithTimeout("the handler's token")).Should().BeTrue();
        bridge.IpcMain.RemoveHandler(Orders);
        await FluentActions.Awaiting(() => ReadAllAsync(renderer.Ipc.InvokeStream(Orders, 1)).WithTimeout())
            .Should().ThrowAsync<IpcInvocationException>().WithMessage("No handler registered for 'orders:stream'");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_InvokeStreamTyped_ReadsTheRendererHandlersItems(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        ChannelAllowlist list = ChannelAllowlist.DenyAll.AllowHandle(Orders);
        TestRenderer renderer = await bridge.AddRendererAsync(list, (ipc, cb) => ipc.HandleStream(Orders, (e, count) => Produce(count, e.CancellationToken)));

        // Act
        List<Order> items = await ReadAllAsync(renderer.WebContents.InvokeStream(Orders, 5)).WithTimeout();
        renderer.Ipc.RemoveHandler(Orders);
        Func<Task> removed = () => ReadAllAsync(renderer.WebContents.InvokeStream(Orders, 1)).WithTimeout();

        // Assert
        items.Should().Equal(new Order("o-0", 0), new Order("o-1", 1), new Order("o-2", 2), new Order("o-3", 3), new Order("o-4", 4));
        await removed.Should().ThrowAsync<IpcInvocationException>().WithMessage("No handler registered for 'orders:stream'");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task StreamChannels_TypedAndUntypedEndsInteroperate_AndTheAllowlistApplies(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleStream(Orders, (e, count) => Produce(count, e.CancellationToken));
        bridge.IpcMain.HandleStream<int>("numbers:stream", (e, a) => Numbers(a.Get<int>(0)));
        var numbers = new IpcStreamChannel<int, int>("numbers:stream", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        TestRenderer allowed = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowInvoke(Orders, numbers));
        TestRenderer denied = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowInvoke(numbers));

        // Act
        List<Order> untypedCaller = await ReadAllAsync(allowed.Ipc.InvokeStream<Order>("orders:stream", 2)).WithTimeout();
        List<int> typedCaller = await ReadAllAsync(allowed.Ipc.InvokeStream(numbers, 3)).WithTimeout();
        Action refused = () => denied.Ipc.InvokeStream(Orders, 1);

        // Assert
        untypedCaller.Should().Equal(new Order("o-0", 0), new Order("o-1", 1));
        typedCaller.Should().Equal(0, 1, 2);
        refused.Should().Throw<IpcAccessDeniedException>().Which.Channel.Should().Be("orders:stream");
    }

    private static async IAsyncEnumerable<Order> Produce(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new Order($"o-{i}", i);
        }
    }

    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
