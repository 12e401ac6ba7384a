using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Contracts;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Tests.Typed;

namespace IpcBridge.Tests.Core;

/// <summary><see cref="WebContents.Ipc"/>: listeners and handlers scoped to one endpoint, with Electron's precedence.</summary>
public class WebContentsIpcTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Ipc_OneInstancePerEndpoint_NeitherMainsNorAnotherEndpoints(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();

        // Act
        IpcMain scoped = first.WebContents.Ipc;

        // Assert
        first.WebContents.Ipc.Should().BeSameAs(scoped);
        scoped.Should().NotBeSameAs(bridge.IpcMain);
        second.WebContents.Ipc.Should().NotBeSameAs(scoped);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Handle_OnEndpoint_AnswersThatEndpointOnly(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();
        var senders = new Recorder<WebContents>();
        first.WebContents.Ipc.Handle("who", (e, a) =>
        {
            senders.Add(e.Sender);
            return $"endpoint {e.Sender.Id} says {a.Get<string>(0)}";
        });

        // Act
        string answer = await first.Ipc.InvokeAsync<string>("who", "hi").WithTimeout();
        Func<Task> fromSecond = () => second.Ipc.InvokeAsync<string>("who", "hi").WithTimeout();

        // Assert
        answer.Should().Be($"endpoint {first.WebContents.Id} says hi");
        await fromSecond.Should().ThrowAsync<IpcInvocationException>().WithMessage("No handler registered for 'who'");
        senders.Items.Should().Equal(first.WebContents);
        bridge.IpcMain.HasHandler("who").Should().BeFalse();
        first.WebContents.Ipc.HasHandler("who").Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Handle_OnEndpoint_TakesPrecedenceOverIpcMain_UntilRemoved(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();
        bridge.IpcMain.Handle("greet", (e, a) => "main");
        first.WebContents.Ipc.Handle("greet", (e, a) => "endpoint");

        // Act
        string scoped = await first.Ipc.InvokeAsync<string>("greet").WithTimeout();
        string other = await second.Ipc.InvokeAsync<string>("greet").WithTimeout();
        first.WebContents.Ipc.RemoveHandler("greet");
        string afterRemoval = await first.Ipc.InvokeAsync<string>("greet").WithTimeout();

        // Assert
        scoped.Should().Be("endpoint");
        other.Should().Be("main");
        afterRemoval.Should().Be("main");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task HandleOnce_OnEndpoint_AnswersOnceThenIpcMainAnswers(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        bridge.IpcMain.Handle("token", (e, a) => "main");
        renderer.WebContents.Ipc.HandleOnce("token", (e, a) => "endpoint, once");

        // Act
        string first = await renderer.Ipc.InvokeAsync<string>("token").WithTimeout();
        string second = await renderer.Ipc.InvokeAsync<string>("token").WithTimeout();

        // Assert
        first.Should().Be("endpoint, once");
        second.Should().Be("main");
        renderer.WebContents.Ipc.HasHandler("token").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Handle_SameChannelOnEndpointAndMain_IsAllowed_ButTwiceOnTheEndpointThrows(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        bridge.IpcMain.Handle("calc", (e, a) => 1);

        // Act
        Action onEndpoint = () => renderer.WebContents.Ipc.Handle("calc", (e, a) => 2);
        Action twiceOnEndpoint = () => renderer.WebContents.Ipc.Handle("calc", (e, a) => 3);

        // Assert
        onEndpoint.Should().NotThrow();
        twiceOnEndpoint.Should().Throw<InvalidOperationException>().WithMessage("*'calc'*");
        (await renderer.Ipc.InvokeAsync<int>("calc").WithTimeout()).Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Handle_OnEndpointThrows_CallerGetsTheRemoteError(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        bridge.IpcMain.Handle("fail", (e, a) => "main would have answered");
        renderer.WebContents.Ipc.Handle<int>("fail", (e, a) => throw new FormatException("scoped failure"));

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<string>("fail").WithTimeout();

        // Assert
        IpcInvocationException ex = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.RemoteTypeName.Should().Be(typeof(FormatException).FullName);
        ex.RemoteMessage.Should().Be("scoped failure");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Handle_OnEndpoint_ForgedInvokeOutsideTheAllowlist_IsDeniedByMain(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var denied = new Recorder<AccessDeniedEventArgs>();
        bridge.Main.AccessDenied += (_, args) => denied.Add(args);
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.Allow(IpcOperation.Invoke, "open"));
        int ran = 0;
        renderer.WebContents.Ipc.Handle("secret", (e, a) => Interlocked.Increment(ref ran));

        // Act: write below IpcRenderer, as a compromised renderer could.
        Task<ReadOnlyMemory<byte>> forged = renderer.Ipc.Connection.CallAsync(FrameKind.Invoke, "secret", "[]"u8.ToArray(), null, CancellationToken.None, out _);

        // Assert
        await FluentActions.Awaiting(() => forged.WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();
        await denied.WaitForCount(1);
        denied.Items.Select(d => (d.Operation, d.Channel)).Should().Equal((IpcOperation.Invoke, "secret"));
        ran.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task On_ListenersOfEndpointAndMainBothRun_EndpointsFirst_WithTheSameEvent(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();
        var seen = new Recorder<(string Where, IpcMainEvent Event, string Text)>();
        bridge.IpcMain.On<string>("note", (e, text) => seen.Add(("main", e, text)));
        first.WebContents.Ipc.On<string>("note", (e, text) => seen.Add(("endpoint", e, text)));

        // Act
        first.Ipc.Send("note", "from first");
        await seen.WaitForCount(2);
        second.Ipc.Send("note", "from second");
        await seen.WaitForCount(3);

        // Assert
        IReadOnlyList<(string Where, IpcMainEvent Event, string Text)> items = seen.Items;
        items.Should().HaveCount(3);
        items[0].Where.Should().Be("endpoint");
        items[0].Text.Should().Be("from first");
        items[1].Where.Should().Be("main");
        items[1].Event.Should().BeSameAs(items[0].Event);
        items[0].Event.Sender.Should().BeSameAs(first.WebContents);
        items[2].Where.Should().Be("main");
        items[2].Text.Should().Be("from second");
        items[2].Event.Sender.Should().BeSameAs(second.WebContents);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task OnceRemoveListenerAndRemoveAllListeners_OnEndpoint_BehaveAsOnIpcMain(TransportKind transport)
    {
        // Arrange: main's listener runs after the endpoint's for every message, so it marks each one as done.
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        IpcMain scoped = renderer.WebContents.Ipc;
        var seen = new Recorder<string>();
        bridge.IpcMain.On<int>("tick", (e, n) => seen.Add($"main {n}"));
        Action<IpcMainEvent, int> removable = (e, n) => seen.Add($"removable {n}");
        scoped.Once<int>("tick", (e, n) => seen.Add($"once {n}"));
        scoped.On("tick", removable);
        scoped.On<int>("tick", (e, n) => seen.Add($"kept {n}"));
        int countBefore = scoped.ListenerCount("tick");

        // Act
        renderer.Ipc.Send("tick", 1);
        await seen.WaitFor("main 1");
        scoped.RemoveListener("tick", removable);
        renderer.Ipc.Send("tick", 2);
        await seen.WaitFor("main 2");
        scoped.RemoveAllListeners("tick");
        renderer.Ipc.Send("tick", 3);
        await seen.WaitFor("main 3");

        // Assert
        countBefore.Should().Be(3);
        seen.Items.Should().Equal("once 1", "removable 1", "kept 1", "main 1", "kept 2", "main 2", "main 3");
        scoped.ListenerCount("tick").Should().Be(0);
        bridge.IpcMain.ListenerCount("tick").Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task SendSync_EndpointListenerAlone_Answers_AndAnotherEndpointHasNoListener(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();
        first.WebContents.Ipc.On<int>("sync:square", (e, n) => e.ReturnValue = n * n);

        // Act
        int answer = await Task.Run(() => first.Ipc.SendSync<int>("sync:square", 12)).WithTimeout();
        Func<Task> fromSecond = () => Task.Run(() => second.Ipc.SendSync<int>("sync:square", 12)).WithTimeout();

        // Assert
        answer.Should().Be(144);
        await fromSecond.Should().ThrowAsync<IpcInvocationException>().WithMessage("*No listener registered for sync channel 'sync:square'*");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task SendSync_EndpointListenerRunsFirst_MainListenerSeesItsReturnValue(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<object?> mainSaw = Signal.Create<object?>();
        renderer.WebContents.Ipc.On("sync:who", (e, a) => e.ReturnValue = "endpoint");
        bridge.IpcMain.On("sync:who", (e, a) =>
        {
            mainSaw.TrySetResult(e.ReturnValue);
            if (e.ReturnValue is null)
            {
                e.ReturnValue = "main";
            }
        });

        // Act
        string answer = await Task.Run(() => renderer.Ipc.SendSync<string>("sync:who")).WithTimeout();

        // Assert
        answer.Should().Be("endpoint");
        (await mainSaw.Task.WithTimeout()).Should().Be("endpoint");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task HandleStream_OnEndpoint_ShadowsMainsHandlerOfTheOtherKind(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();
        bridge.IpcMain.Handle("data", (e, a) => "one result from main");
        first.WebContents.Ipc.HandleStream("data", (e, a) => Count(a.Get<int>(0)));

        // Act
        var items = new List<int>();
        await foreach (int item in first.Ipc.InvokeStream<int>("data", 3).WithTimeout())
        {
            items.Add(item);
        }

        Func<Task> plainFromFirst = () => first.Ipc.InvokeAsync<string>("data").WithTimeout();
        string fromSecond = await second.Ipc.InvokeAsync<string>("data").WithTimeout();

        // Assert
        items.Should().Equal(1, 2, 3);
        await plainFromFirst.Should().ThrowAsync<IpcInvocationException>().WithMessage("*'data' returns a stream; use InvokeStream*");
        fromSecond.Should().Be("one result from main");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedChannels_OnEndpoint_HandleAndListenForThatEndpoint(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();
        var statuses = new Recorder<string>();
        bridge.IpcMain.Handle(TestChannels.Doubler, (e, n) => n * 2);
        first.WebContents.Ipc.Handle(TestChannels.Doubler, (e, n) => n * 3);
        first.WebContents.Ipc.On(TestChannels.Status, (e, status) => statuses.Add($"endpoint {status}"));
        bridge.IpcMain.On(TestChannels.Status, (e, status) => statuses.Add($"main {status}"));

        // Act
        int tripled = await first.Ipc.InvokeAsync(TestChannels.Doubler, 21).WithTimeout();
        int doubled = await second.Ipc.InvokeAsync(TestChannels.Doubler, 21).WithTimeout();
        first.Ipc.Send(TestChannels.Status, "ready");
        await statuses.WaitFor("main ready");

        // Assert
        tripled.Should().Be(63);
        doubled.Should().Be(42);
        statuses.Items.Should().Equal("endpoint ready", "main ready");
        first.WebContents.Ipc.HasHandler(TestChannels.Doubler).Should().BeTrue();
        first.WebContents.Ipc.ListenerCount(TestChannels.Status).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task HandleContract_OnEndpoint_ServesThatEndpoint_AndShadowsMainsContract(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer first = await bridge.AddRendererAsync();
        TestRenderer second = await bridge.AddRendererAsync();
        bridge.IpcMain.HandleContract<IWho>(new FixedWho(1));
        first.WebContents.Ipc.HandleContract<IWho>(new FixedWho(100));

        // Act
        int fromFirst = await first.Ipc.GetContract<IWho>().CallerIdAsync().WithTimeout();
        int fromSecond = await second.Ipc.GetContract<IWho>().CallerIdAsync().WithTimeout();
        first.WebContents.Ipc.RemoveContract<IWho>();
        int fromFirstAfterRemoval = await first.Ipc.GetContract<IWho>().CallerIdAsync().WithTimeout();

        // Assert
        fromFirst.Should().Be(100);
        fromSecond.Should().Be(1);
        fromFirstAfterRemoval.Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PostMessage_WithAPort_EndpointListenerReceivesThePort(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<IpcMainEvent> received = Signal.Create<IpcMainEvent>();
        renderer.WebContents.Ipc.On("port:offer", (e, a) => received.TrySetResult(e));
        var channel = new MessageChannelMain();

        // Act
        renderer.Ipc.PostMessage("port:offer", "take it", new[] { channel.Port1 });
        IpcMainEvent e = await received.Task.WithTimeout("the port on the endpoint's listener");

        // Assert
        e.Sender.Should().BeSameAs(renderer.WebContents);
        e.Ports.Should().HaveCount(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Destroyed_RemovesEverythingBeforeTheEvent_AndLaterRegistrationsAreDropped(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        WebContents webContents = renderer.WebContents;
        IpcMain scoped = webContents.Ipc;
        scoped.On("note", (e, a) => { });
        scoped.Handle("calc", (e, a) => 1);
        scoped.HandleContract<IWho>(new FixedWho(7));
        bridge.IpcMain.On("note", (e, a) => { });
        bool contractBefore = scoped.HasHandler("IWho.CallerIdAsync");
        TaskCompletionSource<(int Listeners, bool Handler)> atDestroyed = Signal.Create<(int, bool)>();
        webContents.Destroyed += (s, _) => atDestroyed.TrySetResult((scoped.ListenerCount("note"), scoped.HasHandler("calc")));

        // Act
        webContents.Close();
        (int Listeners, bool Handler) seenAtDestroyed = await atDestroyed.Task.WithTimeout("Destroyed");
        scoped.On("note", (e, a) => { });
        scoped.Handle("calc", (e, a) => 2);
        Action secondHandle = () => scoped.Handle("calc", (e, a) => 3);

        // Assert
        contractBefore.Should().BeTrue();
        seenAtDestroyed.Should().Be((0, false));
        secondHandle.Should().NotThrow();
        scoped.ListenerCount("note").Should().Be(0);
        scoped.HasHandler("calc").Should().BeFalse();
        scoped.HasHandler("IWho.CallerIdAsync").Should().BeFalse();
        webContents.Ipc.Should().BeSameAs(scoped);
        bridge.IpcMain.ListenerCount("note").Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Ipc_FirstAskedForAfterTheEndpointIsGone_DropsRegistrations(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<bool> destroyed = Signal.Create<bool>();
        renderer.WebContents.Destroyed += (s, _) => destroyed.TrySetResult(true);
        renderer.WebContents.Close();
        await destroyed.Task.WithTimeout("Destroyed");

        // Act
        IpcMain late = renderer.WebContents.Ipc;
        late.On("note", (e, a) => { });
        late.Handle("calc", (e, a) => 1);

        // Assert
        late.ListenerCount("note").Should().Be(0);
        late.HasHandler("calc").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContentsCreated_RegistersBeforeThePreloadRuns_ScopedHandlerAnswersThePreloadsInvoke(TransportKind transport)
    {
        // Arrange: the preload invokes while it runs, before creation returns; only a handler registered from the event
        // can be in place by then.
        await using var bridge = Bridge.Create(transport);
        var created = new Recorder<WebContents>();
        bridge.Main.WebContentsCreated += (_, args) =>
        {
            created.Add(args.WebContents);
            args.WebContents.Ipc.Handle("config", (e, a) => $"settings of endpoint {e.Sender.Id}");
        };
        Task<string>? fromPreload = null;

        // Act
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) => fromPreload = ipc.InvokeAsync<string>("config"));
        string answer = await fromPreload!.WithTimeout("the preload's invoke");

        // Assert
        created.Items.Should().Equal(renderer.WebContents);
        answer.Should().Be($"settings of endpoint {renderer.WebContents.Id}");
        bridge.IpcMain.HasHandler("config").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContentsCreated_HandlerThrows_IsLoggedAndTheEndpointWorks(TransportKind transport)
    {
        // Arrange
        using var logs = new CapturingLoggerProvider();
        using Microsoft.Extensions.Logging.ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        bridge.Main.WebContentsCreated += (_, _) => throw new InvalidOperationException("a broken subscriber");
        bridge.IpcMain.Handle("ping", (e, a) => "pong");

        // Act
        TestRenderer renderer = await bridge.AddRendererAsync();
        string answer = await renderer.Ipc.InvokeAsync<string>("ping").WithTimeout();

        // Assert
        answer.Should().Be("pong");
        logs.Entries.Should().Contain(entry => entry.Exception is InvalidOperationException && entry.Exception.Message == "a broken subscriber");
    }

    private static async IAsyncEnumerable<int> Count(int to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 1; i <= to; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    private sealed class FixedWho : IWho
    {
        private readonly int id;

        public FixedWho(int id) => this.id = id;

        public Task<int> CallerIdAsync() => Task.FromResult(this.id);
    }
}
