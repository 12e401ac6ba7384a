using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>
/// Launched children killed while calls are pending both ways, three ways in turn: WebContents.Kill, a SIGKILL from
/// outside, Environment.FailFast inside. No call may hang, every ProcessGone must give the right reason, and no child
/// may outlive the run.
/// </summary>
public static class KillStorm
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private enum Way
    {
        Kill,
        OutsideSigkill,
        FailFast,
    }

    public static async Task<StressResult> RunAsync(int children)
    {
        var result = new StressResult("kill");
        var pids = new ConcurrentBag<int>();
        var reasons = new ConcurrentDictionary<string, int>();
        var handlerCancelled = new ConcurrentDictionary<int, TaskCompletionSource>();
        var handlerStarted = new ConcurrentDictionary<int, TaskCompletionSource>();
        // A loaded machine can take a while to start a .NET child and run its preload: the storm is about how children
        // end, so it gives them time to begin.
        await using (var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = TimeSpan.FromSeconds(60) }))
        {
            main.IpcMain.Handle("hang-main", async (e, _) =>
            {
                handlerStarted.GetOrAdd(e.Sender.Id, _ => NewSignal()).TrySetResult();
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken);
                }
                finally
                {
                    handlerCancelled.GetOrAdd(e.Sender.Id, _ => NewSignal()).TrySetResult();
                }

                return 0;
            });

            var clock = Stopwatch.StartNew();
            int next = -1;
            async Task WorkerAsync()
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < children)
                {
                    var way = (Way)(i % 3);
                    await OneAsync(main, way, pids, reasons, handlerStarted, handlerCancelled, result);
                    if ((i + 1) % 100 == 0)
                    {
                        Console.WriteLine($"  {i + 1} children killed");
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(WorkerAsync)));
            result.Figures["children launched and killed"] = children.ToString(CultureInfo.InvariantCulture);
            result.Figures["reasons seen"] = string.Join(", ", reasons.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}"));
            result.Figures["children per second"] = (children / clock.Elapsed.TotalSeconds).ToString("F1", CultureInfo.InvariantCulture);
            result.Check(main.GetAllWebContents().Count == 0, $"{main.GetAllWebContents().Count} endpoints left in main's table");
        }

        int alive = pids.Count(IsAlive);
        result.Figures["children alive after the run"] = alive.ToString(CultureInfo.InvariantCulture);
        result.Check(alive == 0, $"{alive} children outlived the run");
        return result;
    }

    private static async Task OneAsync(
        MainProcess main,
        Way way,
        ConcurrentBag<int> pids,
        ConcurrentDictionary<string, int> reasons,
        ConcurrentDictionary<int, TaskCompletionSource> handlerStarted,
        ConcurrentDictionary<int, TaskCompletionSource> handlerCancelled,
        StressResult result)
    {
        WebContents child;
        try
        {
            child = await main.LaunchAsync(
                MainProcess.CreateStartInfoForThisApp("child"),
                new LaunchOptions { Allowlist = ChildRole.Allowlist, ConnectTimeout = TimeSpan.FromSeconds(60) });
        }
        catch (IpcLaunchException ex)
        {
            result.Fail($"a launch failed: {ex.Message}");
            return;
        }

        pids.Add(child.ProcessId);

        // A call each way, both pending when the child dies.
        Task<int> mainCall = child.InvokeAsync<int>("hang");

        // Observed whatever happens below; its outcome is checked once the child is gone.
        _ = mainCall.ContinueWith(t => t.Exception, TaskScheduler.Default);
        child.Send("call-main");
        if (!await Within(handlerStarted.GetOrAdd(child.Id, _ => NewSignal()).Task))
        {
            result.Fail($"child {child.ProcessId}: its call to main never arrived");
        }

        switch (way)
        {
            case Way.Kill:
                child.Kill();
                break;
            case Way.OutsideSigkill:
                using (var process = Process.GetProcessById(child.ProcessId))
                {
                    process.Kill();
                }

                break;
            default:
                child.Send("crash");
                break;
        }

        ProcessGoneReason expected = way == Way.FailFast ? ProcessGoneReason.Crashed : ProcessGoneReason.Killed;
        Task<ProcessGoneEventArgs> gone = child.WhenProcessGone;
        if (!await Within(gone))
        {
            result.Fail($"child {child.ProcessId} ({way}): no ProcessGone within {Patience.TotalSeconds} s");
            return;
        }

        ProcessGoneEventArgs e = await gone;
        reasons.AddOrUpdate($"{way}->{e.Reason}", 1, (_, n) => n + 1);
        result.Check(e.Reason == expected, $"child {child.ProcessId} ({way}): ProcessGone said {e.Reason} (exit code {e.ExitCode}), expected {expected}");

        if (!await Within(mainCall.ContinueWith(_ => { }, TaskScheduler.Default)))
        {
            result.Fail($"child {child.ProcessId} ({way}): main's call to it hangs");
        }
        else
        {
            result.Check(mainCall.Exception?.InnerException is IpcDisconnectedException, $"child {child.ProcessId} ({way}): main's call ended {mainCall.Status} {mainCall.Exception?.InnerException?.GetType().Name}");
        }

        if (!await Within(handlerCancelled.GetOrAdd(child.Id, _ => NewSignal()).Task))
        {
            result.Fail($"child {child.ProcessId} ({way}): main's handler for its call was never cancelled");
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task<bool> Within(Task task)
    {
        try
        {
            await task.WaitAsync(Patience);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
