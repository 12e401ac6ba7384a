using System;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Typed;

public class TypedInvokeTests
{
    private static readonly IpcInvokeChannel<int, int> Slow = new("math:slow", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32, TimeSpan.FromMilliseconds(300));

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandleTypedSync_AnswersTypedInvoke(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(TestChannels.Checkout, (e, order) => new Receipt(order.OrderId, order.Quantity * 2.5m));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Receipt receipt = await renderer.Ipc.InvokeAsync(TestChannels.Checkout, new Order("C-1", 4)).WithTimeout();

        // Assert
        receipt.Should().Be(new Receipt("C-1", 10m));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandleTypedAsyncLambda_AnswersAfterAwait(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var release = Signal.Create<bool>();
        bridge.IpcMain.Handle(TestChannels.Doubler, async (e, n) =>
        {
            await release.Task;
            return n * 2;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Task<int> pending = renderer.Ipc.InvokeAsync(TestChannels.Doubler, 21);
        release.SetResult(true);

        // Assert
        (await pending.WithTimeout()).Should().Be(42);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandleTypedValueTask_AnswersSyncAndAsyncCompletions(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(TestChannels.Doubler, (IpcMainInvokeEvent e, int n) => n < 0 ? new ValueTask<int>(0) : new ValueTask<int>(Task.Run(() => n * 2)));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        int sync = await renderer.Ipc.InvokeAsync(TestChannels.Doubler, -1).WithTimeout();
        int async = await renderer.Ipc.InvokeAsync(TestChannels.Doubler, 8).WithTimeout();

        // Assert
        sync.Should().Be(0);
        async.Should().Be(16);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandleOnceTyped_EachFlavourAnswersOnceThenNoHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var sync = new IpcInvokeChannel<int, int>("once:sync", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        var task = new IpcInvokeChannel<int, int>("once:task", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        var valueTask = new IpcInvokeChannel<int, int>("once:value-task", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        bridge.IpcMain.HandleOnce(sync, (e, n) => n + 1);
        bridge.IpcMain.HandleOnce(task, async (e, n) => await Task.FromResult(n + 2));
        bridge.IpcMain.HandleOnce(valueTask, (IpcMainInvokeEvent e, int n) => new ValueTask<int>(n + 3));
        TestRenderer renderer = await bridge.AddRendererAsync();

        foreach ((IpcInvokeChannel<int, int> channel, int expected) in new[] { (sync, 1), (task, 2), (valueTask, 3) })
        {
            // Act
            int first = await renderer.Ipc.InvokeAsync(channel, 0).WithTimeout();
            Func<Task> second = () => renderer.Ipc.InvokeAsync(channel, 0).WithTimeout();

            // Assert
            first.Should().Be(expected);
            await second.Should().ThrowAsync<IpcInvocationException>().WithMessage($"No handler registered for '{channel.Name}'");
            bridge.IpcMain.HasHandler(channel).Should().BeFalse();
        }
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_RemoveHandlerTyped_LaterInvokeFailsAndSecondHandleThrowsUntilThen(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(TestChannels.Doubler, (e, n) => n * 2);
        TestRenderer renderer = await bridge.AddRendererAsync();
        Action second = () => bridge.IpcMain.Handle(TestChannels.Doubler, (e, n) => n * 3);
        second.Should().Throw<InvalidOperationException>().WithMessage("*'math:double'*");

        // Act
        bridge.IpcMain.RemoveHandler(TestChannels.Doubler);
        Func<Task> removed = () => renderer.Ipc.InvokeAsync(TestChannels.Doubler, 1).WithTimeout();

        // Assert
        await removed.Should().ThrowAsync<IpcInvocationException>().WithMessage("No handler registered for 'math:double'");
        bridge.IpcMain.HasHandler(TestChannels.Doubler).Should().BeFalse();
        second();
        (await renderer.Ipc.InvokeAsync(TestChannels.Doubler, 1).WithTimeout()).Should().Be(3);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_TypedHandlerThrows_CallerGetsRemoteTypeAndMessage(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<Order, Receipt>(TestChannels.Checkout, (e, o) => throw new FormatException($"bad order {o.OrderId}"));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync(TestChannels.Checkout, new Order("X", 1)).WithTimeout();

        // Assert
        IpcInvocationException ex = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.Channel.Should().Be("orders:checkout");
        ex.RemoteTypeName.Should().Be(typeof(FormatException).FullName);
        ex.RemoteMessage.Should().Be("bad order X");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_InvokeTypedCancelled_CallerGetsCancellationAndHandlerTokenIsCancelled(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var started = Signal.Create<bool>();
        var handlerCancelled = Signal.Create<bool>();
        bridge.IpcMain.Handle(TestChannels.Doubler, async (e, n) =>
        {
            using CancellationTokenRegistration r = e.CancellationToken.Register(() => handlerCancelled.TrySetResult(true));
            started.TrySetResult(true);
            await Task.Delay(Timeout.Infinite, e.CancellationToken);
            return n;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();
        using var cts = new CancellationTokenSource();

        // Act
        Task<int> call = renderer.Ipc.InvokeAsync(TestChannels.Doubler, 1, cts.Token);
        await started.Task.WithTimeout("the handler to start");
        await cts.CancelAsync();

        // Assert
        await FluentActions.Awaiting(() => call.WithTimeout()).Should().ThrowAsync<OperationCanceledException>();
        (await handlerCancelled.Task.WithTimeout("the handler's token")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_InvokeTypedChannelWithTimeout_FailsNamingChannelAndDurationAndCancelsHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var handlerCancelled = Signal.Create<bool>();
        bridge.IpcMain.Handle(Slow, async (e, n) =>
        {
            using CancellationTokenRegistration r = e.CancellationToken.Register(() => handlerCancelled.TrySetResult(true));
            await Task.Delay(Timeout.Infinite, e.CancellationToken);
            return n;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync(Slow, 1).WithTimeout();

        // Assert
        IpcTimeoutException ex = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        ex.Channel.Should().Be("math:slow");
        ex.Timeout.Should().Be(TimeSpan.FromMilliseconds(300));
        (await handlerCancelled.Task.WithTimeout("the handler's token")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_InvokeTypedWithCallTimeout_OverridesTheChannelTimeout(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(Slow, async (e, n) =>
        {
            await Task.Delay(Timeout.Infinite, e.CancellationToken);
            return n;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync(Slow, 1, TimeSpan.FromMilliseconds(150)).WithTimeout();

        // Assert
        (await act.Should().ThrowAsync<IpcTimeoutException>()).Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(150));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_InvokeTypedChannel_IsAnsweredByEachRendererHandlerFlavour(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var sync = new IpcInvokeChannel<int, int>("r:sync", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        var task = new IpcInvokeChannel<int, int>("r:task", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        var valueTask = new IpcInvokeChannel<int, int>("r:value-task", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) =>
        {
            ipc.Handle(TestChannels.Checkout, (e, o) => new Receipt(o.OrderId, o.Quantity));
            ipc.Handle(sync, (e, n) => n + 1);
            ipc.Handle(task, async (e, n) => await Task.FromResult(n + 2));
            ipc.Handle(valueTask, (IpcRendererInvokeEvent e, int n) => new ValueTask<int>(n + 3));
        });

        // Act
        Receipt receipt = await renderer.WebContents.InvokeAsync(TestChannels.Checkout, new Order("M-1", 7)).WithTimeout();
        int[] answers =
        {
            await renderer.WebContents.InvokeAsync(sync, 0).WithTimeout(),
            await renderer.WebContents.InvokeAsync(task, 0).WithTimeout(),
            await renderer.WebContents.InvokeAsync(valueTask, 0, TimeSpan.FromSeconds(5)).WithTimeout(),
        };

        // Assert
        receipt.Should().Be(new Receipt("M-1", 7m));
        answers.Should().Equal(1, 2, 3);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_HandleOnceAndRemoveHandlerTyped_StopAnsweringMain(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var sync = new IpcInvokeChannel<int, int>("r:once-sync", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        var task = new IpcInvokeChannel<int, int>("r:once-task", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        var valueTask = new IpcInvokeChannel<int, int>("r:once-value-task", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) =>
        {
            ipc.HandleOnce(sync, (e, n) => n + 1);
            ipc.HandleOnce(task, async (e, n) => await Task.FromResult(n + 2));
            ipc.HandleOnce(valueTask, (IpcRendererInvokeEvent e, int n) => new ValueTask<int>(n + 3));
            ipc.Handle(TestChannels.Doubler, (e, n) => n * 2);
        });

        // Act
        int[] first =
        {
            await renderer.WebContents.InvokeAsync(sync, 0).WithTimeout(),
            await renderer.WebContents.InvokeAsync(task, 0).WithTimeout(),
            await renderer.WebContents.InvokeAsync(valueTask, 0).WithTimeout(),
        };
        renderer.Ipc.RemoveHandler(TestChannels.Doubler);

        // Assert
        first.Should().Equal(1, 2, 3);
        foreach (IpcInvokeChannel<int, int> channel in new[] { sync, task, valueTask, TestChannels.Doubler })
        {
            await FluentActions.Awaiting(() => renderer.WebContents.InvokeAsync(channel, 0).WithTimeout())
                .Should().ThrowAsync<IpcInvocationException>().WithMessage($"No handler registered for '{channel.Name}'");
        }
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_InvokeTypedChannelWithTimeout_FailsNamingChannelAndCancelsRendererHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var handlerCancelled = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => ipc.Handle(Slow, async (e, n) =>
        {
            using CancellationTokenRegistration r = e.CancellationToken.Register(() => handlerCancelled.TrySetResult(true));
            await Task.Delay(Timeout.Infinite, e.CancellationToken);
            return n;
        }));

        // Act
        Func<Task> act = () => renderer.WebContents.InvokeAsync(Slow, 1).WithTimeout();

        // Assert
        IpcTimeoutException ex = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        ex.Channel.Should().Be("math:slow");
        ex.Timeout.Should().Be(TimeSpan.FromMilliseconds(300));
        (await handlerCancelled.Task.WithTimeout("the renderer handler's token")).Should().BeTrue();
    }

    [Fact]
    public async Task WebContents_InvokeTypedChannelWithInfiniteTimeout_IsRefusedBeforeSending()
    {
        // Arrange
        await using var bridge = Bridge.Create(TransportKind.InProcess);
        var unbounded = new IpcInvokeChannel<int, int>("r:unbounded", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32, Timeout.InfiniteTimeSpan);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.WebContents.InvokeAsync(unbounded, 1);

        // Assert
        await act.Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*'r:unbounded'*");
    }
}
