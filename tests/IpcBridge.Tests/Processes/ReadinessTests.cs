using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Transport;

namespace IpcBridge.Tests.Processes;

/// <summary>
/// An endpoint is ready before main's first message: what <c>LaunchAsync</c>, <c>AttachAsync</c> and
/// <c>CreateWindowAsync</c> return can be invoked and sent to at once, frames that arrive during the preload wait for it,
/// and a preload that throws or hangs never leaves a half-connected endpoint.
/// </summary>
public class ReadinessTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Launch_200Children_InvokeAndSendTheMomentLaunchReturns_EveryCallAnsweredEverySendReceived()
    {
        const int Launches = 200;
        const int AtOnce = 4;

        // The handshake's limit is not what this test is about: a loaded machine may take longer than the default 10 s.
        await using var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = ChildTimeout });
        var pongs = new Dictionary<WebContents, TaskCompletionSource<string>>();
        Action<IpcMainEvent, string, int> onPong = (e, text, _) =>
        {
            lock (pongs)
            {
                pongs[e.Sender].TrySetResult(text);
            }
        };
        main.IpcMain.On("pong", onPong);
        var failures = new List<string>();

        async Task LaunchOnceAsync(int n)
        {
            var pong = Signal.Create<string>();
            WebContents child = await main.LaunchAsync(
                TestChild.StartInfo("renderer"),
                new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout });
            lock (pongs)
            {
                pongs[child] = pong;
            }

            // At once: no waiting for a "ready" message of the child's own.
            Task<string> echo = child.InvokeAsync<string>("echo", $"call {n}");
            child.Send("ping", $"send {n}");
            try
            {
                (await echo.WaitAsync(ChildTimeout)).Should().Be($"call {n}");
                (await pong.Task.WaitAsync(ChildTimeout)).Should().Be($"send {n}");
            }
            catch (Exception ex)
            {
                lock (failures)
                {
                    failures.Add($"launch {n}: {ex.GetType().Name}: {ex.Message}");
                }
            }

            child.Kill();
            await child.WhenProcessGone.WaitAsync(ChildTimeout);
        }

        for (int first = 0; first < Launches; first += AtOnce)
        {
            await Task.WhenAll(Enumerable.Range(first, AtOnce).Select(LaunchOnceAsync));
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task AttachAndConnect_SocketPair2000Times_InvokeAndSendTheMomentAttachReturns_NothingLost()
    {
        const int Attaches = 2000;
        await using var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = ChildTimeout });
        var received = new HashSet<string>();
        int failures = 0;
        for (int n = 0; n < Attaches; n++)
        {
            var pong = Signal.Create<string>();
            (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
            Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Allowlist = ChannelAllowlist.AllowAll() });
            Task<RendererProcess> connecting = RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions
            {
                Preload = (ipc, _) =>
                {
                    ipc.Handle("echo", (e, a) => a.Get<string>(0));
                    ipc.On("ping", (e, a) => pong.TrySetResult(a.Get<string>(0)!));
                },
            });

            WebContents endpoint = await attaching.WithTimeout("AttachAsync");
            Task<string> echo = endpoint.InvokeAsync<string>("echo", $"call {n}");
            endpoint.Send("ping", $"send {n}");
            await using RendererProcess renderer = await connecting.WithTimeout("ConnectAsync");
            try
            {
                (await echo.WithTimeout("the echo")).Should().Be($"call {n}");
                received.Add(await pong.Task.WithTimeout("the ping"));
            }
            catch (IpcException)
            {
                failures++;
            }
        }

        failures.Should().Be(0);
        received.Should().HaveCount(Attaches);
    }

    [Theory]
    [InlineData(TransportKind.InProcess)]
    [InlineData(TransportKind.Stream)]
    public async Task FramesSentDuringThePreload_WaitForIt_ReachTheListenerThePreloadRegisteredLast(TransportKind transport)
    {
        await using var main = new MainProcess();
        using var broadcastDone = new ManualResetEventSlim();
        using var markerHeard = new ManualResetEventSlim();
        var preloadStarted = Signal.Create<bool>();
        var heard = Signal.Create<int>();
        bool markerDuringPreload = true;
        Action<IpcRenderer, ContextBridge> preload = (ipc, _) =>
        {
            ipc.On("marker", (_, _) => markerHeard.Set());
            preloadStarted.TrySetResult(true);
            broadcastDone.Wait(Signal.Timeout).Should().BeTrue();

            // Main sent "early", then "marker". Were frames dispatched during the preload, "marker" would be heard here,
            // after "early" had already found no listener. Held until the preload returns, it cannot be: the wait runs
            // out (on a slow machine an ungated endpoint might also miss it, so this can only fail for a real leak).
            markerDuringPreload = markerHeard.Wait(TimeSpan.FromSeconds(2));
            ipc.On("early", (_, a) => heard.TrySetResult(a.Get<int>(0)));
        };

        Task creating = StartEndpointAsync(main, transport, preload);
        await preloadStarted.Task.WithTimeout("the preload to start");
        await WaitUntilAsync(() => main.GetAllWebContents().Count == 1);
        int reached = main.Broadcast("early", 42);
        main.Broadcast("marker");
        broadcastDone.Set();
        await creating.WithTimeout("the endpoint to be ready");

        reached.Should().Be(1);
        markerDuringPreload.Should().BeFalse("no frame may be dispatched before the preload has returned");
        (await heard.Task.WithTimeout("the early message")).Should().Be(42);
        markerHeard.Wait(Signal.Timeout).Should().BeTrue("held frames run once the preload has returned");
    }

    [Fact]
    public async Task Attach_PreloadThrows_AttachThrowsNamingTheEndpointAndMessage_ConnectRethrows_NoEndpointLeft()
    {
        await using var main = new MainProcess();
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Name = "settings", Allowlist = ChannelAllowlist.AllowAll() });
        Task<RendererProcess> connecting = RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions
        {
            Preload = (_, _) => throw new InvalidOperationException("preload exploded"),
        });

        IpcPreloadException thrown = (await attaching.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcPreloadException>()).Which;
        await connecting.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<InvalidOperationException>().WithMessage("preload exploded");

        thrown.Message.Should().Contain("'settings'").And.Contain("preload exploded");
        thrown.EndpointName.Should().Be("settings");
        thrown.RemoteTypeName.Should().Be(typeof(InvalidOperationException).FullName);
        thrown.RemoteMessage.Should().Be("preload exploded");
        thrown.RemoteStackTrace.Should().NotBeNullOrEmpty();
        await WaitUntilNoEndpointAsync(main);
    }

    [Fact]
    public async Task Attach_PreloadNeverReturns_FailsAtTheHandshakeLimit_LinkClosed()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = TimeSpan.FromSeconds(5) });
        using var release = new ManualResetEventSlim();
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Name = "stuck", Allowlist = ChannelAllowlist.AllowAll() });
        Task<RendererProcess> connecting = Task.Run(() => RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions
        {
            Preload = (_, _) => release.Wait(Timeout.Infinite),
        }));

        IpcPreloadException thrown = (await attaching.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcPreloadException>()).Which;
        thrown.Message.Should().Contain("'stuck'").And.Contain("did not return within 5000 ms");
        thrown.InnerException.Should().BeOfType<IpcTimeoutException>();
        thrown.RemoteTypeName.Should().BeNull();
        await WaitUntilNoEndpointAsync(main);

        // When the preload finally returns, the endpoint learns that main gave up: ConnectAsync throws when the close has
        // already reached it, or else hands back an endpoint whose link is already ending. Never a working endpoint.
        release.Set();
        try
        {
            await using RendererProcess late = await connecting.WithTimeout("ConnectAsync");
            await late.Disconnected.WithTimeout("the late endpoint to learn main gave up");
        }
        catch (IpcDisconnectedException)
        {
            // The close was there first.
        }
    }

    [Fact]
    public async Task CreateWindow_PreloadThrows_ThePreloadsExceptionAndNoEndpointLeft()
    {
        await using var main = new MainProcess();

        Func<Task> creating = () => main.CreateWindowAsync(new RendererOptions { Preload = (_, _) => throw new InvalidOperationException("preload exploded") });

        await creating.Should().ThrowAsync<InvalidOperationException>().WithMessage("preload exploded");
        await WaitUntilNoEndpointAsync(main);
    }

    [Fact]
    public async Task Launch_PreloadThrows_LaunchFailsNamingTheMessage_ChildExitsNonZero_ChildProcessGoneReported()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = ChildTimeout });
        var gone = Signal.Create<ProcessGoneEventArgs>();
        main.ChildProcessGone += (_, e) => gone.TrySetResult(e);

        Func<Task> launching = () => main.LaunchAsync(TestChild.StartInfo("preload-throws"), new LaunchOptions { Name = "worker", ConnectTimeout = ChildTimeout, ExitTimeout = ChildTimeout });

        IpcLaunchException thrown = (await launching.Should().ThrowAsync<IpcLaunchException>()).Which;
        thrown.Message.Should().Contain("'worker'").And.Contain("preload exploded");
        IpcPreloadException preload = thrown.InnerException.Should().BeOfType<IpcPreloadException>().Which;
        preload.RemoteTypeName.Should().Be(typeof(InvalidOperationException).FullName);
        thrown.ExitCode.Should().NotBeNull().And.NotBe(0);
        ProcessGoneEventArgs e = await gone.Task.WaitAsync(ChildTimeout);
        e.Reason.Should().Be(ProcessGoneReason.LaunchFailed);
        e.ExitCode.Should().Be(thrown.ExitCode);
        main.GetAllWebContents().Should().BeEmpty();
    }

    [Fact]
    public async Task Launch_PreloadNeverReturns_LaunchFailsAtTheHandshakeLimit_ChildKilledAndReported()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = TimeSpan.FromSeconds(5) });
        var gone = Signal.Create<ProcessGoneEventArgs>();
        main.ChildProcessGone += (_, e) => gone.TrySetResult(e);

        Func<Task> launching = () => main.LaunchAsync(TestChild.StartInfo("preload-hangs"), new LaunchOptions { Name = "hung", ConnectTimeout = ChildTimeout });

        IpcLaunchException thrown = (await launching.Should().ThrowAsync<IpcLaunchException>()).Which;
        thrown.Message.Should().Contain("'hung'").And.Contain("did not return within 5000 ms");
        thrown.InnerException.Should().BeOfType<IpcPreloadException>();
        ProcessGoneEventArgs e = await gone.Task.WaitAsync(ChildTimeout);
        e.Reason.Should().Be(ProcessGoneReason.LaunchFailed);
        e.ProcessId.Should().NotBeNull();
        Func<System.Diagnostics.Process> find = () => System.Diagnostics.Process.GetProcessById(e.ProcessId!.Value);
        find.Should().Throw<ArgumentException>("the hung child was killed and reaped");
    }

    [Fact]
    public async Task Attach_SecondReady_IsAProtocolViolation_LinkCut()
    {
        var logs = new CapturingLoggerProvider();
        await using var main = new MainProcess(null, logs.CreateFactory());
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Allowlist = ChannelAllowlist.AllowAll() });
        await using var raw = new FramedStream(rendererEnd, 1 << 20);
        await Handshake.ConnectAsync(raw, null, Environment.ProcessId, CancellationToken.None);
        var ready = new Frame(FrameKind.Ready, 0, string.Empty, ReadOnlyMemory<byte>.Empty);
        await raw.WriteFrameAsync(ready, CancellationToken.None);
        WebContents endpoint = await attaching.WithTimeout("AttachAsync");
        var destroyed = Signal.Create<bool>();
        endpoint.Destroyed += (_, _) => destroyed.TrySetResult(true);

        await raw.WriteFrameAsync(ready, CancellationToken.None);

        await destroyed.Task.WithTimeout("the violating link to be cut");
        logs.Entries.Should().Contain(e => e.EventId.Id == 3 && e.Message.Contains("second Ready", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_ReadyFromMain_IsAProtocolViolation_RendererCutsTheLink()
    {
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        await using var fakeMain = new FramedStream(mainEnd, 1 << 20);
        Task<HelloMessage> accepting = Handshake.AcceptAsync(
            fakeMain,
            null,
            _ => Handshake.CreateWelcome(1, EndpointKind.Window, ChannelAllowlist.AllowAll(), Environment.ProcessId),
            CancellationToken.None);
        await using RendererProcess renderer = await RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions()).WithTimeout("ConnectAsync");
        await accepting.WithTimeout("the hello");

        await fakeMain.WriteFrameAsync(new Frame(FrameKind.Ready, 0, string.Empty, ReadOnlyMemory<byte>.Empty), CancellationToken.None);

        (await renderer.Disconnected.WithTimeout("the renderer to cut the link")).Should().Be(DisconnectReason.ProtocolViolation);
    }

    private static async Task StartEndpointAsync(MainProcess main, TransportKind transport, Action<IpcRenderer, ContextBridge> preload)
    {
        if (transport == TransportKind.InProcess)
        {
            // CreateWindowAsync runs the preload on the calling thread: run it on another, so the test can act meanwhile.
            await Task.Run(() => main.CreateWindowAsync(new RendererOptions { Preload = preload, Allowlist = ChannelAllowlist.AllowAll() }));
            return;
        }

        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Allowlist = ChannelAllowlist.AllowAll() });
        Task<RendererProcess> connecting = Task.Run(() => RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions { Preload = preload }));
        await attaching;
        await connecting;
    }

    /// <summary>Main forgets a failed endpoint on its dispatch loop, just after the failure is reported: wait for that.</summary>
    private static Task WaitUntilNoEndpointAsync(MainProcess main) => WaitUntilAsync(() => main.GetAllWebContents().Count == 0);

    /// <summary>Waits for a condition that another thread makes true, failing the test after <see cref="Signal.Timeout"/>.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(Signal.Timeout);
        while (!condition())
        {
            await Task.Delay(10, limit.Token);
        }
    }
}
