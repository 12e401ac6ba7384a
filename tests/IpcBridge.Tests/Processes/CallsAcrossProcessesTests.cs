using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Processes;

/// <summary>Invoke from main, cancellation, time limits and streams with the endpoint in a real child process.</summary>
public class CallsAcrossProcessesTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MainCancelsInvoke_ChildHandlerSeesItsTokenCancelled()
    {
        await using var main = new MainProcess();
        (WebContents child, int pid) = await LaunchAsync(main);
        var cancelled = Signal.Create<int>();
        main.IpcMain.Once<int>("slow-cancelled", (_, from) => cancelled.TrySetResult(from));
        using var cts = new CancellationTokenSource();

        Task<int> call = child.InvokeAsync<int>("slow", Array.Empty<object?>(), cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));
        Func<Task> act = () => call.WaitAsync(ChildTimeout);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await cancelled.Task.WaitAsync(ChildTimeout)).Should().Be(pid);
    }

    [Fact]
    public async Task MainInvokeTimesOut_ThrowsNamingChannelAndChildHandlerIsCancelled()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { MainInvokeTimeout = TimeSpan.FromMilliseconds(250) });
        (WebContents child, int pid) = await LaunchAsync(main);
        var cancelled = Signal.Create<int>();
        main.IpcMain.Once<int>("slow-cancelled", (_, from) => cancelled.TrySetResult(from));

        Func<Task> act = () => child.InvokeAsync<int>("slow").WaitAsync(ChildTimeout);

        IpcTimeoutException error = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        error.Channel.Should().Be("slow");
        error.Timeout.Should().Be(TimeSpan.FromMilliseconds(250));
        (await cancelled.Task.WaitAsync(ChildTimeout)).Should().Be(pid);
    }

    [Fact]
    public async Task ChildCancelsInvoke_MainHandlerTokenIsCancelledAndChildSeesCancellation()
    {
        await using var main = new MainProcess();
        (WebContents child, _) = await LaunchAsync(main);
        var handlerCancelled = Signal.Create<bool>();
        var outcome = Signal.Create<string>();
        main.IpcMain.Handle("hang", async (e, a) =>
        {
            e.Sender.Send("hang-started");
            await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken).ContinueWith(_ => handlerCancelled.TrySetResult(true), TaskScheduler.Default);
            return "late";
        });
        main.IpcMain.Once<string>("cancel-result", (_, r) => outcome.TrySetResult(r));

        child.Send("invoke-cancel");

        (await handlerCancelled.Task.WaitAsync(ChildTimeout)).Should().BeTrue();
        (await outcome.Task.WaitAsync(ChildTimeout)).Should().Be("cancelled");
    }

    [Fact]
    public async Task StreamFromChild_AllItemsInOrder()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { StreamWindow = 8 });
        (WebContents child, _) = await LaunchAsync(main);

        var items = new List<int>();
        await foreach (int item in child.InvokeStream<int>("count", 500).WithTimeout())
        {
            items.Add(item);
        }

        items.Should().Equal(System.Linq.Enumerable.Range(0, 500));
    }

    [Fact]
    public async Task ChildKilledMidStream_StreamEndsWithDisconnected()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { StreamWindow = 4 });
        (WebContents child, _) = await LaunchAsync(main);
        int read = 0;

        Func<Task> act = async () =>
        {
            await foreach (int item in child.InvokeStream<int>("count", int.MaxValue).WithTimeout())
            {
                if (++read == 5)
                {
                    child.Kill();
                }
            }
        };

        await act.Should().ThrowAsync<IpcDisconnectedException>();
        read.Should().BeGreaterThanOrEqualTo(5);
    }

    private static async Task<(WebContents Child, int Pid)> LaunchAsync(MainProcess main)
    {
        var ready = Signal.Create<int>();
        main.IpcMain.Once<int>("ready", (_, pid) => ready.TrySetResult(pid));
        WebContents child = await main.LaunchAsync(TestChild.StartInfo("renderer"), new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout });
        int pid = await ready.Task.WaitAsync(ChildTimeout);
        return (child, pid);
    }
}
