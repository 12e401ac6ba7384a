using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Processes;

/// <summary>Endpoints as real OS child processes: launch, talk, and every way a child can end.</summary>
public class ChildProcessTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Launch_Child_ConnectsAndTalksFromItsOwnProcess()
    {
        await using var main = new MainProcess();
        (WebContents child, int pid) = await LaunchRendererAsync(main);

        (string text, int from) = await PingAsync(main, child, "hello");

        text.Should().Be("hello");
        from.Should().Be(pid).And.NotBe(Environment.ProcessId);
        child.ProcessId.Should().Be(pid);
        child.IsChildProcess.Should().BeTrue();
        child.Kind.Should().Be(EndpointKind.Work);
    }

    [Fact]
    public async Task ChildExitsCleanly_ProcessGoneCleanExitAndDestroyed()
    {
        await using var main = new MainProcess();
        (WebContents child, _) = await LaunchRendererAsync(main);
        var gone = Signal.Create<ProcessGoneEventArgs>();
        var destroyed = Signal.Create<bool>();
        child.ProcessGone += (_, e) => gone.TrySetResult(e);
        child.Destroyed += (_, _) => destroyed.TrySetResult(true);

        child.Send("exit", 0);

        ProcessGoneEventArgs e = await gone.Task.WaitAsync(ChildTimeout);
        e.Reason.Should().Be(ProcessGoneReason.CleanExit);
        e.ExitCode.Should().Be(0);
        await destroyed.Task.WaitAsync(ChildTimeout);
        child.IsDestroyed.Should().BeTrue();
        main.GetAllWebContents().Should().NotContain(child);
    }

    [Fact]
    public async Task WhenProcessGone_ObservedAfterTheChildIsGone_StillTellsHowItEnded()
    {
        await using var main = new MainProcess();
        (WebContents child, _) = await LaunchRendererAsync(main);
        var destroyed = Signal.Create<bool>();
        child.Destroyed += (_, _) => destroyed.TrySetResult(true);
        child.Send("exit", 3);
        await destroyed.Task.WaitAsync(ChildTimeout);
        ProcessGoneEventArgs first = await child.WhenProcessGone.WaitAsync(ChildTimeout);

        // Act: a late observer, long after the event was raised.
        ProcessGoneEventArgs late = await child.WhenProcessGone.WaitAsync(ChildTimeout);

        late.Should().BeSameAs(first);
        late.Reason.Should().Be(ProcessGoneReason.Crashed);
        late.ExitCode.Should().Be(3);
    }

    [Fact]
    public async Task WhenProcessGone_EndpointInMainsProcess_Throws()
    {
        await using var bridge = Bridge.Create(TransportKind.InProcess);
        TestRenderer renderer = await bridge.AddRendererAsync();

        Func<Task> act = () => renderer.WebContents.WhenProcessGone;

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no child process*");
    }

    [Fact]
    public async Task ChildCrashes_ProcessGoneCrashed_PendingInvokeHandlerCancelled_OtherChildCarriesOn()
    {
        await using var main = new MainProcess();
        var handlerCancelled = Signal.Create<bool>();
        var handlerStarted = Signal.Create<bool>();
        main.IpcMain.Handle("hang", async (e, a) =>
        {
            handlerStarted.TrySetResult(true);
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, e.CancellationToken).ContinueWith(_ => handlerCancelled.TrySetResult(true), TaskScheduler.Default);
            return "late";
        });
        (WebContents doomed, _) = await LaunchRendererAsync(main);
        (WebContents survivor, int survivorPid) = await LaunchRendererAsync(main);
        var gone = Signal.Create<ProcessGoneEventArgs>();
        doomed.ProcessGone += (_, e) => gone.TrySetResult(e);
        doomed.Send("invoke-hang");
        await handlerStarted.Task.WaitAsync(ChildTimeout);

        doomed.Send("crash");

        (await gone.Task.WaitAsync(ChildTimeout)).Reason.Should().Be(ProcessGoneReason.Crashed);
        await handlerCancelled.Task.WaitAsync(ChildTimeout);
        doomed.Invoking(w => w.Send("ping", "x")).Should().Throw<IpcDisconnectedException>();
        (await PingAsync(main, survivor, "still here")).From.Should().Be(survivorPid);
    }

    [Fact]
    public async Task Kill_ProcessGoneKilled()
    {
        await using var main = new MainProcess();
        (WebContents child, _) = await LaunchRendererAsync(main);
        var gone = Signal.Create<ProcessGoneEventArgs>();
        child.ProcessGone += (_, e) => gone.TrySetResult(e);

        child.Kill().Should().BeTrue();

        (await gone.Task.WaitAsync(ChildTimeout)).Reason.Should().Be(ProcessGoneReason.Killed);
    }

    [Fact]
    public async Task ChildThatNeverConnects_LaunchFailsWithExitCode()
    {
        await using var main = new MainProcess();

        IpcLaunchException ex = (await main.Awaiting(m => m.LaunchAsync(TestChild.StartInfo("no-connect"), new LaunchOptions { ConnectTimeout = ChildTimeout }))
            .Should().ThrowAsync<IpcLaunchException>()).Which;

        ex.ExitCode.Should().Be(5);
        main.GetAllWebContents().Should().BeEmpty();
    }

    [Fact]
    public async Task MissingExecutable_LaunchFails()
    {
        await using var main = new MainProcess();
        var info = new ProcessStartInfo("/nonexistent/ipcbridge-child") { UseShellExecute = false };

        await main.Awaiting(m => m.LaunchAsync(info)).Should().ThrowAsync<IpcLaunchException>();
    }

    [Fact]
    public async Task WrongToken_RefusedWithDiagnostic()
    {
        var logs = new CapturingLoggerProvider();
        await using var main = new MainProcess(null, logs.CreateFactory());

        await main.Awaiting(m => m.LaunchAsync(TestChild.StartInfo("wrong-token"), new LaunchOptions { ConnectTimeout = ChildTimeout }))
            .Should().ThrowAsync<IpcLaunchException>().WithMessage("*launch token*");

        logs.Entries.Should().Contain(e => e.EventId.Id == 11 && e.Message.Contains("launch token"));
    }

    [Theory]
    [InlineData("garbage", "")]
    [InlineData("truncated", "a truncated frame at the end of the stream")]
    [InlineData("oversized", "a frame of 2097152 bytes (the limit is 1048576)")]
    [InlineData("unknown-kind", "unknown frame kind 51")]
    [InlineData("unknown-reply", "an answer to call 99, which was never made")]
    public async Task ProtocolViolation_ChildDisconnectedWithDiagnosticAndKilled_OthersUnaffected(string fault, string diagnostic)
    {
        var logs = new CapturingLoggerProvider();
        await using var main = new MainProcess(new IpcBridgeOptions { MaxFrameSize = 1 << 20 }, logs.CreateFactory());
        (WebContents good, int goodPid) = await LaunchRendererAsync(main);
        var childGone = Signal.Create<ProcessGoneEventArgs>();
        main.ChildProcessGone += (_, e) => childGone.TrySetResult(e);

        WebContents bad = await main.LaunchAsync(TestChild.StartInfo(fault), new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout });

        // The faulty child never exits by itself: main disconnects it, then kills it.
        ProcessGoneEventArgs gone = await bad.WhenProcessGone.WaitAsync(ChildTimeout);
        gone.Reason.Should().Be(ProcessGoneReason.Killed);
        bad.IsDestroyed.Should().BeTrue();
        logs.Entries.Should().Contain(e => e.EventId.Id == 3 && e.Message.Contains(diagnostic), "the violation is reported");
        logs.Entries.Should().Contain(e => e.EventId.Id == 14 && e.Message.Contains($"endpoint {bad.Id}"), "the kill is reported");
        (await childGone.Task.WaitAsync(ChildTimeout)).WebContents.Should().BeSameAs(bad);
        (await PingAsync(main, good, "unaffected")).From.Should().Be(goodPid);
        good.IsDestroyed.Should().BeFalse();
    }

    [Fact]
    public async Task MainDies_ChildExitsByItself()
    {
        using Process childMain = Process.Start(WithStdout(TestChild.StartInfo("main", "orphan")))!;
        int grandchildPid = 0;
        try
        {
            grandchildPid = await ReadGrandchildPidAsync(childMain);
            using Process grandchild = Process.GetProcessById(grandchildPid);

            // Main dies without any chance to say goodbye.
            await KillAndWaitAsync(childMain);

            await grandchild.WaitForExitAsync().WaitAsync(ChildTimeout);
            grandchild.HasExited.Should().BeTrue();
        }
        finally
        {
            KillQuietly(childMain);
            KillQuietly(grandchildPid);
        }
    }

    [Fact]
    public async Task DisposeMain_ChildrenExitAndAreReaped()
    {
        var main = new MainProcess();
        try
        {
            (WebContents child, int pid) = await LaunchRendererAsync(main);
            using Process process = Process.GetProcessById(pid);
            var gone = Signal.Create<ProcessGoneEventArgs>();
            child.ProcessGone += (_, e) => gone.TrySetResult(e);

            await main.DisposeAsync();

            process.HasExited.Should().BeTrue("DisposeAsync waits for its children");
            (await gone.Task.WaitAsync(ChildTimeout)).Reason.Should().Be(ProcessGoneReason.CleanExit);
        }
        finally
        {
            await main.DisposeAsync();
        }
    }

    [Fact]
    public async Task MainDies_ChildsPendingInvokeFailsWithDisconnected()
    {
        using Process childMain = Process.Start(WithStdout(TestChild.StartInfo("main", "orphan-invoke")))!;
        int grandchildPid = 0;
        try
        {
            // The grandchild's invoke is pending at its main (the child) by the time its pid is printed.
            grandchildPid = await ReadGrandchildPidAsync(childMain);
            using Process grandchild = Process.GetProcessById(grandchildPid);

            await KillAndWaitAsync(childMain);

            // The grandchild inherited the child's standard output, so its line still reaches this pipe.
            (await childMain.StandardOutput.ReadLineAsync().WaitAsync(ChildTimeout)).Should().Be("invoke IpcDisconnectedException");
            await grandchild.WaitForExitAsync().WaitAsync(ChildTimeout);
        }
        finally
        {
            KillQuietly(childMain);
            KillQuietly(grandchildPid);
        }
    }

    [Fact]
    public async Task ChildCrashes_MainsPendingInvokeFailsAtOnceNotByTimeout()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { MainInvokeTimeout = TimeSpan.FromMinutes(10) });
        (WebContents child, _) = await LaunchRendererAsync(main);
        var started = Signal.Create<bool>();
        main.IpcMain.Once("slow-started", (_, _) => started.TrySetResult(true));
        Task<int> call = child.InvokeAsync<int>("slow");
        await started.Task.WaitAsync(ChildTimeout);

        child.Send("crash");

        // Well within the ten-minute limit: the call fails because the child is gone, not because time ran out.
        IpcDisconnectedException ex = (await call.Awaiting(c => c.WaitAsync(ChildTimeout)).Should().ThrowAsync<IpcDisconnectedException>()).Which;
        ex.Reason.Should().NotBe(DisconnectReason.LocalClosed);
        (await child.WhenProcessGone.WaitAsync(ChildTimeout)).Reason.Should().Be(ProcessGoneReason.Crashed);
    }

    [Fact]
    public async Task KilledFromOutside_ProcessGoneKilled()
    {
        await using var main = new MainProcess();
        (WebContents child, int pid) = await LaunchRendererAsync(main);

        using (Process process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        ProcessGoneEventArgs gone = await child.WhenProcessGone.WaitAsync(ChildTimeout);
        gone.Reason.Should().Be(ProcessGoneReason.Killed);
        gone.ProcessId.Should().Be(pid);
        child.IsDestroyed.Should().BeTrue();
    }

    [Fact]
    public async Task ChildProcessGone_ConnectedChild_RaisedAfterItsOwnProcessGoneWithItsEndpoint()
    {
        await using var main = new MainProcess();
        (WebContents child, int pid) = await LaunchRendererAsync(main, name: "reporter");
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var childGone = Signal.Create<ProcessGoneEventArgs>();
        child.ProcessGone += (_, _) => order.Enqueue("webContents");
        main.ChildProcessGone += (_, e) =>
        {
            order.Enqueue("main");
            childGone.TrySetResult(e);
        };

        child.Send("exit", 4);

        ProcessGoneEventArgs e = await childGone.Task.WaitAsync(ChildTimeout);
        order.Should().Equal("webContents", "main");
        e.Reason.Should().Be(ProcessGoneReason.Crashed);
        e.ExitCode.Should().Be(4);
        e.WebContents.Should().BeSameAs(child);
        e.Name.Should().Be("reporter");
        e.Kind.Should().Be(EndpointKind.Work);
        e.ProcessId.Should().Be(pid);
    }

    [Fact]
    public async Task ChildProcessGone_ChildExitsBeforeConnecting_LaunchFailedWithExitCode()
    {
        await using var main = new MainProcess();
        var childGone = Signal.Create<ProcessGoneEventArgs>();
        main.ChildProcessGone += (_, e) => childGone.TrySetResult(e);

        await main.Awaiting(m => m.LaunchAsync(TestChild.StartInfo("no-connect"), new LaunchOptions { Kind = EndpointKind.Window, Name = "never", ConnectTimeout = ChildTimeout }))
            .Should().ThrowAsync<IpcLaunchException>();

        ProcessGoneEventArgs e = await childGone.Task.WaitAsync(ChildTimeout);
        e.Reason.Should().Be(ProcessGoneReason.LaunchFailed);
        e.ExitCode.Should().Be(5);
        e.WebContents.Should().BeNull();
        e.Kind.Should().Be(EndpointKind.Window);
        e.Name.Should().Be("never");
        e.ProcessId.Should().NotBeNull();
    }

    [Fact]
    public async Task ChildProcessGone_ExecutableMissing_LaunchFailedWithoutProcess()
    {
        await using var main = new MainProcess();
        var childGone = Signal.Create<ProcessGoneEventArgs>();
        main.ChildProcessGone += (_, e) => childGone.TrySetResult(e);
        var info = new ProcessStartInfo("/nonexistent/ipcbridge-child") { UseShellExecute = false };

        await main.Awaiting(m => m.LaunchAsync(info)).Should().ThrowAsync<IpcLaunchException>();

        ProcessGoneEventArgs e = await childGone.Task.WaitAsync(ChildTimeout);
        e.Reason.Should().Be(ProcessGoneReason.LaunchFailed);
        e.ProcessId.Should().BeNull();
        e.ExitCode.Should().BeNull();
    }

    [Fact]
    public async Task ChildProcessGone_ChildThatNeverConnectsInTime_KilledReapedAndLaunchFailed()
    {
        await using var main = new MainProcess();
        var childGone = Signal.Create<ProcessGoneEventArgs>();
        main.ChildProcessGone += (_, e) => childGone.TrySetResult(e);

        await main.Awaiting(m => m.LaunchAsync(TestChild.StartInfo("no-connect-wait"), new LaunchOptions { ConnectTimeout = TimeSpan.FromSeconds(2) }))
            .Should().ThrowAsync<IpcLaunchException>().WithMessage("*did not connect within 2 s*");

        ProcessGoneEventArgs e = await childGone.Task.WaitAsync(ChildTimeout);
        e.Reason.Should().Be(ProcessGoneReason.LaunchFailed);
        e.ProcessId.Should().NotBeNull();
        ProcessIsGone(e.ProcessId!.Value).Should().BeTrue("a launch that failed reaps its child");
    }

    [Fact]
    public async Task LinkClosed_ChildThatDoesNotExit_IsKilledAfterItsExitTimeout()
    {
        await using var main = new MainProcess();
        var ready = Signal.Create<int>();
        main.IpcMain.Once("ready", (_, a) => ready.TrySetResult(a.Get<int>(0)));
        WebContents child = await main.LaunchAsync(TestChild.StartInfo("linger"), new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout, ExitTimeout = TimeSpan.FromSeconds(1) });
        int pid = await ready.Task.WaitAsync(ChildTimeout);

        child.Close();

        ProcessGoneEventArgs gone = await child.WhenProcessGone.WaitAsync(ChildTimeout);
        gone.Reason.Should().Be(ProcessGoneReason.Killed);
        ProcessIsGone(pid).Should().BeTrue();
    }

    [Fact]
    public async Task ChildKilled_PortEntangledWithMainCloses()
    {
        await using var main = new MainProcess();
        (WebContents child, _) = await LaunchRendererAsync(main);
        var channel = new MessageChannelMain();
        var closed = Signal.Create<bool>();
        channel.Port1.Closed += (_, _) => closed.TrySetResult(true);
        channel.Port1.Start();
        child.PostMessage("port", null, new[] { channel.Port2 });
        channel.Port1.PostMessage(7);
        var echoed = Signal.Create<int>();
        channel.Port1.Message += (_, m) => echoed.TrySetResult(m.GetData<int>());
        (await echoed.Task.WaitAsync(ChildTimeout)).Should().Be(-8, "the child holds the other end");

        child.Kill();

        await closed.Task.WaitAsync(ChildTimeout);
    }

    [Fact]
    public async Task ChildKilled_PortPairOnADirectLink_ClosesAtTheOtherChild()
    {
        await using var main = new MainProcess();
        (WebContents renderer, _) = await LaunchRendererAsync(main);
        (WebContents work, int workPid) = await LaunchRendererAsync(main);
        var channel = new MessageChannelMain();
        renderer.PostMessage("port", null, new[] { channel.Port1 });
        work.PostMessage("port", null, new[] { channel.Port2 });
        (await StreamOverPortAsync(main, renderer, 100)).Count.Should().Be(100);
        await main.Broker.WhenIdleAsync().WaitAsync(ChildTimeout);
        var closedAt = Signal.Create<int>();
        main.IpcMain.Once("port-closed", (e, a) => closedAt.TrySetResult(a.Get<int>(0)));

        renderer.Kill();

        (await closedAt.Task.WaitAsync(ChildTimeout)).Should().Be(workPid);
        (await PingAsync(main, work, "still here")).From.Should().Be(workPid);
    }

    [Fact]
    public async Task PortPairAcrossTwoChildren_TalksOverADirectLink_NotThroughMain()
    {
        await using var main = new MainProcess();
        (WebContents renderer, _) = await LaunchRendererAsync(main);
        (WebContents work, _) = await LaunchRendererAsync(main);
        var channel = new MessageChannelMain();
        renderer.PostMessage("port", null, new[] { channel.Port1 });
        work.PostMessage("port", null, new[] { channel.Port2 });

        // The first stream may run while the pair moves onto its direct link: nothing may be lost or reordered.
        (int firstCount, int firstOutOfOrder) = await StreamOverPortAsync(main, renderer, 5_000);
        firstCount.Should().Be(5_000);
        firstOutOfOrder.Should().Be(0);
        await main.Broker.WhenIdleAsync().WaitAsync(ChildTimeout);
        long forwardedBefore = main.Ports.ForwardedFrames;

        (int count, int outOfOrder) = await StreamOverPortAsync(main, renderer, 2_000);

        count.Should().Be(2_000);
        outOfOrder.Should().Be(0);
        main.Ports.ForwardedFrames.Should().Be(forwardedBefore, "the two children talk over their own link");
    }

    private static async Task<(int Count, int OutOfOrder)> StreamOverPortAsync(MainProcess main, WebContents from, int count)
    {
        var done = Signal.Create<(int, int)>();
        Action<IpcMainEvent, int, int> onDone = (e, n, bad) => done.TrySetResult((n, bad));
        main.IpcMain.Once("port-done", onDone);
        from.Send("port-stream", count);
        return await done.Task.WaitAsync(ChildTimeout);
    }

    private static async Task<(WebContents Child, int Pid)> LaunchRendererAsync(MainProcess main, string? name = null)
    {
        var ready = Signal.Create<int>();
        Action<IpcMainEvent, int> onReady = (_, pid) => ready.TrySetResult(pid);
        main.IpcMain.Once("ready", onReady);
        WebContents child = await main.LaunchAsync(TestChild.StartInfo("renderer"), new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout, Name = name });
        int pid = await ready.Task.WaitAsync(ChildTimeout);
        return (child, pid);
    }

    private static async Task<(string Text, int From)> PingAsync(MainProcess main, WebContents child, string text)
    {
        var pong = Signal.Create<(string, int)>();
        Action<IpcMainEvent, string, int> onPong = (e, t, pid) =>
        {
            if (e.Sender == child && t == text)
            {
                pong.TrySetResult((t, pid));
            }
        };
        main.IpcMain.On("pong", onPong);
        try
        {
            child.Send("ping", text);
            return await pong.Task.WaitAsync(ChildTimeout);
        }
        finally
        {
            main.IpcMain.RemoveListener("pong", onPong);
        }
    }

    private static ProcessStartInfo WithStdout(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        return info;
    }

    /// <summary>Reads the "grandchild &lt;pid&gt;" line a child main prints once its own child is ready.</summary>
    private static async Task<int> ReadGrandchildPidAsync(Process childMain)
    {
        string? line = await childMain.StandardOutput.ReadLineAsync().WaitAsync(ChildTimeout);
        line.Should().StartWith("grandchild ");
        return int.Parse(line!.AsSpan("grandchild ".Length), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task KillAndWaitAsync(Process process)
    {
        process.Kill();
        await process.WaitForExitAsync().WaitAsync(ChildTimeout);
    }

    private static bool ProcessIsGone(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static void KillQuietly(int pid)
    {
        if (pid == 0)
        {
            return;
        }

        try
        {
            using Process leftover = Process.GetProcessById(pid);
            KillQuietly(leftover);
        }
        catch (ArgumentException)
        {
            // Already gone, as it should be.
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
