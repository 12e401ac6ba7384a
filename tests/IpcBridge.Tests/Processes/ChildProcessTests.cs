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
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("oversized")]
    [InlineData("unknown-kind")]
    [InlineData("unknown-reply")]
    public async Task ProtocolViolation_ChildDisconnectedWithDiagnostic_OthersUnaffected(string fault)
    {
        var logs = new CapturingLoggerProvider();
        await using var main = new MainProcess(new IpcBridgeOptions { MaxFrameSize = 1 << 20 }, logs.CreateFactory());
        (WebContents good, int goodPid) = await LaunchRendererAsync(main);
        WebContents bad = await main.LaunchAsync(TestChild.StartInfo(fault), new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout });
        var destroyed = Signal.Create<bool>();
        bad.Destroyed += (_, _) => destroyed.TrySetResult(true);
        if (bad.IsDestroyed)
        {
            destroyed.TrySetResult(true);
        }

        await destroyed.Task.WaitAsync(ChildTimeout);

        logs.Entries.Should().Contain(e => e.EventId.Id == 3, "the violation is reported");
        (await PingAsync(main, good, "unaffected")).From.Should().Be(goodPid);
    }

    [Fact]
    public async Task MainDies_ChildExitsByItself()
    {
        using Process childMain = Process.Start(WithStdout(TestChild.StartInfo("main")))!;
        int grandchildPid = 0;
        try
        {
            string? line = await childMain.StandardOutput.ReadLineAsync().WaitAsync(ChildTimeout);
            line.Should().StartWith("grandchild ");
            grandchildPid = int.Parse(line!.AsSpan("grandchild ".Length), System.Globalization.CultureInfo.InvariantCulture);
            using Process grandchild = Process.GetProcessById(grandchildPid);

            // Main dies without any chance to say goodbye.
            childMain.Kill();
            await childMain.WaitForExitAsync().WaitAsync(ChildTimeout);

            await grandchild.WaitForExitAsync().WaitAsync(ChildTimeout);
            grandchild.HasExited.Should().BeTrue();
        }
        finally
        {
            KillQuietly(childMain);
            if (grandchildPid != 0)
            {
                try
                {
                    using Process leftover = Process.GetProcessById(grandchildPid);
                    KillQuietly(leftover);
                }
                catch (ArgumentException)
                {
                    // Already gone, as it should be.
                }
            }
        }
    }

    [Fact]
    public async Task DisposeMain_ChildrenExitAndAreReaped()
    {
        var main = new MainProcess();
        (WebContents child, int pid) = await LaunchRendererAsync(main);
        using Process process = Process.GetProcessById(pid);
        var gone = Signal.Create<ProcessGoneEventArgs>();
        child.ProcessGone += (_, e) => gone.TrySetResult(e);

        await main.DisposeAsync();

        process.HasExited.Should().BeTrue("DisposeAsync waits for its children");
        (await gone.Task.WaitAsync(ChildTimeout)).Reason.Should().Be(ProcessGoneReason.CleanExit);
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

    private static async Task<(WebContents Child, int Pid)> LaunchRendererAsync(MainProcess main)
    {
        var ready = Signal.Create<int>();
        Action<IpcMainEvent, int> onReady = (_, pid) => ready.TrySetResult(pid);
        main.IpcMain.Once("ready", onReady);
        WebContents child = await main.LaunchAsync(TestChild.StartInfo("renderer"), new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout });
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
