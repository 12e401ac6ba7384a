using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Calls;

/// <summary>Cancelling an invoke cancels the remote handler; time limits end a call and cancel its handler.</summary>
public class CancellationAndTimeoutTests
{
    private const string Completed = "completed";
    private const string Cancelled = "cancelled";

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererInvoke_TokenCancelled_CallerGetsOperationCanceledAndMainHandlerTokenIsCancelled(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var started = Signal.Create<bool>();
        var handlerCancelled = Signal.Create<bool>();
        bridge.IpcMain.Handle("work", async (e, a) =>
        {
            started.TrySetResult(true);
            await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken).ContinueWith(_ => handlerCancelled.TrySetResult(e.CancellationToken.IsCancellationRequested), TaskScheduler.Default);
            return "late";
        });
        TestRenderer renderer = await bridge.AddRendererAsync();
        using var cts = new CancellationTokenSource();
        Task<string> call = renderer.Ipc.InvokeAsync<string>("work", Array.Empty<object?>(), cts.Token);
        await started.Task.WithTimeout("the handler");

        // Act
        cts.Cancel();
        Func<Task> act = () => call.WithTimeout();

        // Assert
        await act.Should().ThrowAsync<OperationCanceledException>();
        (await handlerCancelled.Task.WithTimeout("the handler's token")).Should().BeTrue();
        bridge.IpcMain.Handle("after", (e, a) => "still fine");
        (await renderer.Ipc.InvokeAsync<string>("after").WithTimeout()).Should().Be("still fine");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainInvoke_TokenCancelled_RendererHandlerTokenIsCancelled(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var started = Signal.Create<bool>();
        var handlerCancelled = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.Handle("work", async (e, a) =>
        {
            started.TrySetResult(true);
            await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken).ContinueWith(_ => handlerCancelled.TrySetResult(true), TaskScheduler.Default);
            return 1;
        }));
        using var cts = new CancellationTokenSource();
        Task<int> call = renderer.WebContents.InvokeAsync<int>("work", Array.Empty<object?>(), cts.Token);
        await started.Task.WithTimeout("the handler");

        // Act
        cts.Cancel();
        Func<Task> act = () => call.WithTimeout();

        // Assert
        await act.Should().ThrowAsync<OperationCanceledException>();
        (await handlerCancelled.Task.WithTimeout("the handler's token")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererInvoke_AlreadyCancelledToken_NothingIsSent(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        int calls = 0;
        bridge.IpcMain.Handle("count", (e, a) => Interlocked.Increment(ref calls));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("count", Array.Empty<object?>(), new CancellationToken(canceled: true));

        // Assert
        await act.Should().ThrowAsync<OperationCanceledException>();
        (await renderer.Ipc.InvokeAsync<int>("count").WithTimeout()).Should().Be(1, "the cancelled call never reached the handler");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererInvoke_CancelRacingCompletion_EachCallEndsOneWayAndTheLinkStaysUsable(TransportKind transport)
    {
        // Arrange: main answers at once, and each call is cancelled right after it is made, so cancel and answer race.
        using var logs = new CapturingLoggerProvider();
        using Microsoft.Extensions.Logging.ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        bridge.IpcMain.Handle("echo", (e, a) => a.Get<int>(0));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        string[] outcomes = await RaceCancelAsync((i, token) => renderer.Ipc.InvokeAsync<int>("echo", new object?[] { i }, token));

        // Assert: which way each race went is up to the scheduler; that each ended one of the two right ways is not.
        AssertEachEndedOneWay(outcomes, logs);
        (await renderer.Ipc.InvokeAsync<int>("echo", 42).WithTimeout()).Should().Be(42);
        renderer.WebContents.IsDestroyed.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainInvoke_CancelRacingCompletion_EachCallEndsOneWayAndTheLinkStaysUsable(TransportKind transport)
    {
        // Arrange: the renderer answers at once, and each of main's calls is cancelled right after it is made.
        using var logs = new CapturingLoggerProvider();
        using Microsoft.Extensions.Logging.ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.Handle("echo", (e, a) => a.Get<int>(0)));

        // Act
        string[] outcomes = await RaceCancelAsync((i, token) => renderer.WebContents.InvokeAsync<int>("echo", new object?[] { i }, token));

        // Assert
        AssertEachEndedOneWay(outcomes, logs);
        (await renderer.WebContents.InvokeAsync<int>("echo", 42).WithTimeout()).Should().Be(42);
        renderer.WebContents.IsDestroyed.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererInvoke_TimeoutPerCall_ThrowsNamingChannelAndDurationAndCancelsMainHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var handlerCancelled = Signal.Create<bool>();
        bridge.IpcMain.Handle("slow", async (e, a) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken).ContinueWith(_ => handlerCancelled.TrySetResult(true), TaskScheduler.Default);
            return 0;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("slow", Array.Empty<object?>(), TimeSpan.FromMilliseconds(150)).WithTimeout();

        // Assert
        IpcTimeoutException error = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        error.Channel.Should().Be("slow");
        error.Timeout.Should().Be(TimeSpan.FromMilliseconds(150));
        (await handlerCancelled.Task.WithTimeout("main's handler token")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererInvoke_DefaultAndPerChannelTimeoutsFromOptions(TransportKind transport)
    {
        // Arrange: the renderer's own options carry the limits (in one process they are main's). Only calls that are
        // never answered get short limits; the one that is answered has a limit no busy machine comes near.
        var options = new IpcBridgeOptions { InvokeTimeout = TimeSpan.FromMilliseconds(300) };
        options.ChannelTimeouts["quick"] = TimeSpan.FromMilliseconds(120);
        options.ChannelTimeouts["fast"] = TimeSpan.FromSeconds(30);
        await using var bridge = Bridge.Create(transport, options);
        bridge.IpcMain.Handle("quick", async (e, a) => { await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken); return 0; });
        bridge.IpcMain.Handle("default", async (e, a) => { await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken); return 0; });
        bridge.IpcMain.Handle("fast", (e, a) => 7);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> quick = () => renderer.Ipc.InvokeAsync<int>("quick").WithTimeout();
        Func<Task> byDefault = () => renderer.Ipc.InvokeAsync<int>("default").WithTimeout();

        // Assert
        (await quick.Should().ThrowAsync<IpcTimeoutException>()).Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(120));
        (await byDefault.Should().ThrowAsync<IpcTimeoutException>()).Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(300));
        (await renderer.Ipc.InvokeAsync<int>("fast").WithTimeout()).Should().Be(7, "an answer in time is not affected");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Options_ChangedAfterTheEndpointsWereMade_DoNotApply(TransportKind transport)
    {
        // Arrange: main and the renderer take a copy of their options; the changes below would make the call wait forever.
        var options = new IpcBridgeOptions { InvokeTimeout = TimeSpan.FromMilliseconds(300) };
        options.ChannelTimeouts["quick"] = TimeSpan.FromMilliseconds(120);
        await using var bridge = Bridge.Create(transport, options);
        bridge.IpcMain.Handle("quick", async (e, a) => { await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken); return 0; });
        TestRenderer renderer = await bridge.AddRendererAsync();
        options.InvokeTimeout = null;
        options.ChannelTimeouts.Clear();

        // Act
        Func<Task> quick = () => renderer.Ipc.InvokeAsync<int>("quick").WithTimeout();

        // Assert
        (await quick.Should().ThrowAsync<IpcTimeoutException>()).Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(120));
    }

    [Fact]
    public void Options_TheCopyAnEndpointKeeps_HasEverySetting()
    {
        // Every settable property is given a value other than its default, so one added later and not copied fails here.
        var options = new IpcBridgeOptions
        {
            SendSyncTimeout = TimeSpan.FromSeconds(3),
            SerializerOptions = new System.Text.Json.JsonSerializerOptions(),
            MaxPendingCalls = 7,
            InboundQueueLimit = new QueueLimit(5, QueueFullMode.DropOldest),
            MaxFrameSize = 4096,
            HandshakeTimeout = TimeSpan.FromSeconds(4),
            InvokeTimeout = TimeSpan.FromSeconds(5),
            MainInvokeTimeout = TimeSpan.FromSeconds(6),
            StreamWindow = 3,
            FrameTrace = _ => { },
        };
        options.ChannelTimeouts["a"] = TimeSpan.FromSeconds(1);
        var defaults = new IpcBridgeOptions();

        IpcBridgeOptions copy = options.Snapshot();

        foreach (System.Reflection.PropertyInfo property in typeof(IpcBridgeOptions).GetProperties().Where(p => p.CanWrite))
        {
            property.GetValue(options).Should().NotBe(property.GetValue(defaults), $"the test sets {property.Name}");
            property.GetValue(copy).Should().Be(property.GetValue(options), $"{property.Name} is copied");
        }

        copy.ChannelTimeouts.Should().Equal(options.ChannelTimeouts).And.NotBeSameAs(options.ChannelTimeouts);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererInvoke_LateAnswerAfterTimeout_IsDroppedQuietly(TransportKind transport)
    {
        // Arrange: the handler ignores its token and answers after the caller gave up. It blocks main's dispatch
        // loop, so its late answer is on the wire before the answer to the next call.
        await using var bridge = Bridge.Create(transport);
        var release = Signal.Create<bool>();
        var answered = Signal.Create<bool>();
        bridge.IpcMain.Handle("stubborn", (e, a) =>
        {
            release.Task.Wait(Signal.Timeout);
            answered.TrySetResult(true);
            return 1;
        });
        bridge.IpcMain.Handle("next", (e, a) => 2);
        TestRenderer renderer = await bridge.AddRendererAsync();
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("stubborn", Array.Empty<object?>(), TimeSpan.FromMilliseconds(100)).WithTimeout();
        await act.Should().ThrowAsync<IpcTimeoutException>();

        // Act
        release.TrySetResult(true);
        await answered.Task.WithTimeout("the late answer");

        // Assert: the late answer broke nothing (it was not taken for a protocol violation).
        (await renderer.Ipc.InvokeAsync<int>("next").WithTimeout()).Should().Be(2);
        renderer.WebContents.IsDestroyed.Should().BeFalse();
    }

    /// <summary>Makes calls that are each cancelled right after they are made, and says how each one ended.</summary>
    private static async Task<string[]> RaceCancelAsync(Func<int, CancellationToken, Task<int>> invoke)
    {
        var outcomes = new string[300];
        for (int i = 0; i < outcomes.Length; i++)
        {
            using var cts = new CancellationTokenSource();
            Task<int> call = invoke(i, cts.Token);
            cts.Cancel();
            try
            {
                int value = await call.WithTimeout($"call {i}");
                outcomes[i] = value == i ? Completed : $"completed with {value} instead of {i}";
            }
            catch (OperationCanceledException)
            {
                outcomes[i] = Cancelled;
            }
            catch (Exception ex) when (ex is IpcException or TimeoutException)
            {
                outcomes[i] = $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        return outcomes;
    }

    /// <summary>Every call completed with its own value or was cancelled, and neither side logged a problem.</summary>
    private static void AssertEachEndedOneWay(string[] outcomes, CapturingLoggerProvider logs)
    {
        for (int i = 0; i < outcomes.Length; i++)
        {
            outcomes[i].Should().BeOneOf(new[] { Completed, Cancelled }, $"call {i} ends completed with its own value or cancelled");
        }

        logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message)
            .Should().BeEmpty("a late answer or a late cancel is no error for either side");
    }
}
