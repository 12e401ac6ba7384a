using System;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

public class HandlerTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_SecondHandleOnChannel_ThrowsNamingChannelAndKeepsFirst(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("calc:add", (e, a) => "first");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Action second = () => bridge.IpcMain.Handle("calc:add", (e, a) => "second");
        Action secondOnce = () => bridge.IpcMain.HandleOnce("calc:add", (e, a) => "second");

        // Assert
        second.Should().Throw<InvalidOperationException>().WithMessage("*'calc:add'*");
        secondOnce.Should().Throw<InvalidOperationException>().WithMessage("*'calc:add'*");
        (await renderer.Ipc.InvokeAsync<string>("calc:add").WithTimeout()).Should().Be("first");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandleOnce_AnswersOnceThenNoHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        int calls = 0;
        bridge.IpcMain.HandleOnce("once", (e, a) => Interlocked.Increment(ref calls));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        int first = await renderer.Ipc.InvokeAsync<int>("once").WithTimeout();
        Func<Task> second = () => renderer.Ipc.InvokeAsync<int>("once").WithTimeout();

        // Assert
        first.Should().Be(1);
        (await second.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Be("No handler registered for 'once'");
        bridge.IpcMain.HasHandler("once").Should().BeFalse();
        calls.Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_RemoveHandler_LaterInvokeFailsAndChannelCanBeHandledAgain(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("ch", (e, a) => 1);
        TestRenderer renderer = await bridge.AddRendererAsync();
        (await renderer.Ipc.InvokeAsync<int>("ch").WithTimeout()).Should().Be(1);

        // Act
        bridge.IpcMain.RemoveHandler("ch");
        Func<Task> removed = () => renderer.Ipc.InvokeAsync<int>("ch").WithTimeout();

        // Assert
        await removed.Should().ThrowAsync<IpcInvocationException>().WithMessage("No handler registered for 'ch'");
        bridge.IpcMain.Handle("ch", (e, a) => 2);
        (await renderer.Ipc.InvokeAsync<int>("ch").WithTimeout()).Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_InvokeWithoutHandler_ThrowsIpcInvocationExceptionNamingChannel(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("nobody:home", 1).WithTimeout();

        // Assert
        IpcInvocationException ex = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.Message.Should().Be("No handler registered for 'nobody:home'");
        ex.Channel.Should().Be("nobody:home");
        ex.RemoteTypeName.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandlerThrows_CallerGetsRemoteTypeMessageAndStack(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<int>("boom", ThrowingHandler);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("boom").WithTimeout();

        // Assert
        IpcInvocationException ex = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.Channel.Should().Be("boom");
        ex.RemoteTypeName.Should().Be(typeof(FormatException).FullName);
        ex.RemoteMessage.Should().Be("bad input 42");
        ex.RemoteStackTrace.Should().Contain(nameof(ThrowingHandler));
        ex.Message.Should().Contain("boom").And.Contain("bad input 42");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_AsyncHandlerThrowsAfterAwait_CallerGetsRemoteTypeMessageAndStack(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("boom:later", ThrowingHandlerAsync);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("boom:later").WithTimeout();

        // Assert
        IpcInvocationException ex = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.RemoteTypeName.Should().Be(typeof(ArgumentOutOfRangeException).FullName);
        ex.RemoteMessage.Should().StartWith("too late");
        ex.RemoteStackTrace.Should().Contain(nameof(ThrowingHandlerAsync));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandlerReturningSyncValue_ResultArrives(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("double", (e, a) => a.Get<int>(0) * 2);
        bridge.IpcMain.Handle("point", (e, a) => new Point(a.Get<int>(0), a.Get<int>(1)));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        int doubled = await renderer.Ipc.InvokeAsync<int>("double", 21).WithTimeout();
        Point point = await renderer.Ipc.InvokeAsync<Point>("point", 3, 4).WithTimeout();

        // Assert
        doubled.Should().Be(42);
        point.Should().Be(new Point(3, 4));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandlerReturningTaskOfT_IsAwaited(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<string> gate = Signal.Create<string>();
        bridge.IpcMain.Handle("later", async (e, a) =>
        {
            started.TrySetResult(true);
            string suffix = await gate.Task;
            return a.Get<string>(0) + suffix;
        });
        bridge.IpcMain.Handle("ready", (e, a) => Task.FromResult(a.Get<int>(0) + 1));
        bridge.IpcMain.Handle(PingChannel, (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Task<string> call = renderer.Ipc.InvokeAsync<string>("later", "hello ");
        await started.Task.WithTimeout("the handler to start");
        bool completedBeforeGate = await CompletedAfterRoundTrip(renderer, call);
        gate.SetResult("world");
        string result = await call.WithTimeout();
        int ready = await renderer.Ipc.InvokeAsync<int>("ready", 41).WithTimeout();

        // Assert
        completedBeforeGate.Should().BeFalse();
        result.Should().Be("hello world");
        ready.Should().Be(42);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandlerReturningValueTaskOfT_IsAwaited(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<int> gate = Signal.Create<int>();
        bridge.IpcMain.Handle("later", (e, a) => LaterAsync(a.Get<int>(0)));
        bridge.IpcMain.Handle("ready", (e, a) => new ValueTask<Point>(new Point(1, 2)));
        bridge.IpcMain.Handle(PingChannel, (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Task<int> call = renderer.Ipc.InvokeAsync<int>("later", 40);
        await started.Task.WithTimeout("the handler to start");
        bool completedBeforeGate = await CompletedAfterRoundTrip(renderer, call);
        gate.SetResult(2);
        int result = await call.WithTimeout();
        Point ready = await renderer.Ipc.InvokeAsync<Point>("ready").WithTimeout();

        // Assert
        completedBeforeGate.Should().BeFalse();
        result.Should().Be(42);
        ready.Should().Be(new Point(1, 2));

        async ValueTask<int> LaterAsync(int n)
        {
            started.TrySetResult(true);
            return n + await gate.Task;
        }
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandlerReturningTask_IsAwaitedAndAnswersNull(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<bool> gate = Signal.Create<bool>();
        var done = new Recorder<string>();
        bridge.IpcMain.Handle("later", async (e, a) =>
        {
            started.TrySetResult(true);
            await gate.Task;
            done.Add("later");
        });
        bridge.IpcMain.Handle("sync", (e, a) => done.Add("sync"));
        bridge.IpcMain.Handle(PingChannel, (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Task<string?> call = renderer.Ipc.InvokeAsync<string?>("later");
        await started.Task.WithTimeout("the handler to start");
        bool completedBeforeGate = await CompletedAfterRoundTrip(renderer, call);
        gate.SetResult(true);
        string? result = await call.WithTimeout();
        string? syncResult = await renderer.Ipc.InvokeAsync<string?>("sync").WithTimeout();

        // Assert: the answer only came after the handler's task finished.
        completedBeforeGate.Should().BeFalse();
        result.Should().BeNull();
        syncResult.Should().BeNull();
        done.Items.Should().Equal("later", "sync");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_TypedHandle_ReadsArgumentAndAnswers(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<int> gate = Signal.Create<int>();
        bridge.IpcMain.Handle<Point, int>("sum", (e, p) => p.X + p.Y);
        bridge.IpcMain.Handle<Point, Point>("scale", async (e, p) =>
        {
            int factor = await gate.Task;
            return new Point(p.X * factor, p.Y * factor);
        });
        bridge.IpcMain.Handle(PingChannel, (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        int sum = await renderer.Ipc.InvokeAsync<int>("sum", new Point(2, 5)).WithTimeout();
        Task<Point> scaling = renderer.Ipc.InvokeAsync<Point>("scale", new Point(2, 5));
        bool completedBeforeGate = await CompletedAfterRoundTrip(renderer, scaling);
        gate.SetResult(10);
        Point scaled = await scaling.WithTimeout();

        // Assert
        sum.Should().Be(7);
        completedBeforeGate.Should().BeFalse();
        scaled.Should().Be(new Point(20, 50));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_InvokeCancelled_ThrowsOperationCanceledAndCancelsHandlerToken(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<bool> handlerCancelled = Signal.Create<bool>();
        bridge.IpcMain.Handle("slow", async (e, a) =>
        {
            using CancellationTokenRegistration registration = e.CancellationToken.Register(() => handlerCancelled.TrySetResult(true));
            started.TrySetResult(true);
            await handlerCancelled.Task;
            return 0;
        });
        bridge.IpcMain.Handle(PingChannel, (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();
        using var cts = new CancellationTokenSource();

        // Act
        Task<int> call = renderer.Ipc.InvokeAsync<int>("slow", new object?[] { 1 }, cts.Token);
        await started.Task.WithTimeout("the handler to start");
        await cts.CancelAsync();

        // Assert
        await FluentActions.Awaiting(() => call.WithTimeout()).Should().ThrowAsync<OperationCanceledException>();
        await handlerCancelled.Task.WithTimeout("the handler's CancellationToken to be cancelled");

        // The handler then answers the abandoned call; that late answer must not break the link.
        (await renderer.Ipc.InvokeAsync<string>(PingChannel).WithTimeout()).Should().Be("pong");
        renderer.Ipc.IsDisconnected.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_InvokeWithCancelledToken_NeverReachesHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        bridge.IpcMain.Handle("ch", (e, a) => seen.Add(a.Get<string>(0)));
        TestRenderer renderer = await bridge.AddRendererAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("ch", new object?[] { "cancelled" }, cts.Token).WithTimeout();
        await act.Should().ThrowAsync<OperationCanceledException>();
        await renderer.Ipc.InvokeAsync<object?>("ch", "marker").WithTimeout();

        // Assert
        seen.Items.Should().Equal("marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandlerReturningValueTask_IsAwaitedAndAnswersNull(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<bool> gate = Signal.Create<bool>();
        var done = new Recorder<string>();
        bridge.IpcMain.Handle("later", (e, a) => LaterAsync());
        bridge.IpcMain.HandleOnce("once", async ValueTask (IpcMainInvokeEvent e, IpcArgs a) =>
        {
            await Task.Yield();
            done.Add("once");
        });
        bridge.IpcMain.Handle(PingChannel, (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Task<string?> call = renderer.Ipc.InvokeAsync<string?>("later");
        await started.Task.WithTimeout("the handler to start");
        bool completedBeforeGate = await CompletedAfterRoundTrip(renderer, call);
        gate.SetResult(true);
        string? result = await call.WithTimeout();
        string? onceResult = await renderer.Ipc.InvokeAsync<string?>("once").WithTimeout();

        // Assert: the answer only came after the handler's value task finished.
        completedBeforeGate.Should().BeFalse();
        result.Should().BeNull();
        onceResult.Should().BeNull();
        done.Items.Should().Equal("later", "once");
        bridge.IpcMain.HasHandler("once").Should().BeFalse();

        async ValueTask LaterAsync()
        {
            started.TrySetResult(true);
            await gate.Task;
            done.Add("later");
        }
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_ValueTaskHandlerThrowsAfterAwait_CallerGetsRemoteTypeMessageAndStack(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("boom:later", ThrowingValueTaskHandlerAsync);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<object?>("boom:later").WithTimeout();

        // Assert
        IpcInvocationException ex = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.RemoteTypeName.Should().Be(typeof(TimeoutException).FullName);
        ex.RemoteMessage.Should().Be("gave up after an await");
        ex.RemoteStackTrace.Should().Contain(nameof(ThrowingValueTaskHandlerAsync));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_TypedHandleReturningValueTaskOfT_IsAwaited(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<int> gate = Signal.Create<int>();
        bridge.IpcMain.Handle<Point, Point>("scale", (e, p) => ScaleAsync(p));
        bridge.IpcMain.Handle<int, int>("fail", (e, n) => FailAsync(n));
        bridge.IpcMain.Handle(PingChannel, (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Task<Point> scaling = renderer.Ipc.InvokeAsync<Point>("scale", new Point(2, 5));
        bool completedBeforeGate = await CompletedAfterRoundTrip(renderer, scaling);
        gate.SetResult(10);
        Point scaled = await scaling.WithTimeout();
        Func<Task> failing = () => renderer.Ipc.InvokeAsync<int>("fail", 7).WithTimeout();

        // Assert
        completedBeforeGate.Should().BeFalse();
        scaled.Should().Be(new Point(20, 50));
        (await failing.Should().ThrowAsync<IpcInvocationException>()).Which.RemoteMessage.Should().Be("no 7 after an await");

        async ValueTask<Point> ScaleAsync(Point p)
        {
            int factor = await gate.Task;
            return new Point(p.X * factor, p.Y * factor);
        }

        static async ValueTask<int> FailAsync(int n)
        {
            await Task.Yield();
            throw new InvalidOperationException($"no {n} after an await");
        }
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_HandlerReturningValueTask_IsAwaitedAndItsFailureReachesMain(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<bool> gate = Signal.Create<bool>();
        var done = new Recorder<string>();
        renderer.Ipc.Handle("later", (e, a) => LaterAsync());
        renderer.Ipc.HandleOnce("count", (e, a) => CountAsync(a.Get<int>(0)));
        renderer.Ipc.HandleOnce("boom:later", (e, a) => ThrowingRendererHandlerAsync());
        renderer.Ipc.Handle(PingChannel, (e, a) => "pong");

        // Act
        Task<string?> call = renderer.WebContents.InvokeAsync<string?>("later");
        await started.Task.WithTimeout("the handler to start");

        // The renderer answers in order on its link, so an answer already sent for the call would be here first.
        (await renderer.WebContents.InvokeAsync<string>(PingChannel).WithTimeout("the ping")).Should().Be("pong");
        bool completedBeforeGate = call.IsCompleted;
        gate.SetResult(true);
        string? result = await call.WithTimeout();
        int counted = await renderer.WebContents.InvokeAsync<int>("count", 41).WithTimeout();
        Func<Task> failing = () => renderer.WebContents.InvokeAsync<object?>("boom:later").WithTimeout();

        // Assert
        completedBeforeGate.Should().BeFalse();
        result.Should().BeNull();
        done.Items.Should().Equal("later");
        counted.Should().Be(42);
        IpcInvocationException ex = (await failing.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.RemoteTypeName.Should().Be(typeof(TimeoutException).FullName);
        ex.RemoteStackTrace.Should().Contain(nameof(ThrowingRendererHandlerAsync));

        async ValueTask LaterAsync()
        {
            started.TrySetResult(true);
            await gate.Task;
            done.Add("later");
        }

        static async ValueTask<int> CountAsync(int n)
        {
            await Task.Yield();
            return n + 1;
        }
    }

    private const string PingChannel = "test:ping";

    /// <summary>
    /// Whether <paramref name="call"/> completed by the time a later invoke on the same link was answered. Main answers
    /// in order on the link, so an answer it had already sent for <paramref name="call"/> has arrived by then: this
    /// proves "not answered yet" without sleeping.
    /// </summary>
    private static async Task<bool> CompletedAfterRoundTrip(TestRenderer renderer, Task call)
    {
        (await renderer.Ipc.InvokeAsync<string>(PingChannel).WithTimeout("the ping")).Should().Be("pong");
        return call.IsCompleted;
    }

    private static int ThrowingHandler(IpcMainInvokeEvent e, IpcArgs args) => throw new FormatException("bad input 42");

    private static async Task<int> ThrowingHandlerAsync(IpcMainInvokeEvent e, IpcArgs args)
    {
        await Task.Yield();
        throw new ArgumentOutOfRangeException(nameof(args), "too late");
    }

    private static async ValueTask ThrowingValueTaskHandlerAsync(IpcMainInvokeEvent e, IpcArgs args)
    {
        await Task.Yield();
        throw new TimeoutException("gave up after an await");
    }

    private static async ValueTask ThrowingRendererHandlerAsync()
    {
        await Task.Yield();
        throw new TimeoutException("gave up after an await");
    }

    public sealed record Point(int X, int Y);
}
