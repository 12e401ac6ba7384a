using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.ChildApi;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Tests.Processes;

namespace IpcBridge.Tests.Contracts;

/// <summary>A contract served by a real child process and called from main.</summary>
public class ContractAcrossProcessesTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ChildServesContract_MainCallsEveryShapeCancelsAndSeesRemoteErrors()
    {
        // Arrange
        await using var main = new MainProcess();
        var ready = Signal.Create<int>();
        var cancelled = Signal.Create<int>();
        main.IpcMain.Once<int>("ready", (_, pid) => ready.TrySetResult(pid));
        main.IpcMain.Once<int>("contract-cancelled", (_, pid) => cancelled.TrySetResult(pid));
        WebContents child = await main.LaunchAsync(TestChild.StartInfo("renderer"), new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll(), ConnectTimeout = ChildTimeout });
        int pid = await ready.Task.WaitAsync(ChildTimeout);
        IChildCounter counter = child.GetContract<IChildCounter>();
        using var cts = new CancellationTokenSource();

        // Act
        int reportedPid = await counter.ProcessIdAsync().WaitAsync(ChildTimeout);
        var items = new List<int>();
        await foreach (int item in counter.CountAsync(300, CancellationToken.None).WithTimeout())
        {
            items.Add(item);
        }

        Task<int> waiting = counter.WaitAsync(cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));

        // Assert
        reportedPid.Should().Be(pid).And.NotBe(Environment.ProcessId);
        items.Should().Equal(Enumerable.Range(0, 300));
        await FluentActions.Awaiting(() => waiting.WaitAsync(ChildTimeout)).Should().ThrowAsync<OperationCanceledException>();
        (await cancelled.Task.WaitAsync(ChildTimeout)).Should().Be(pid, "the child's implementation saw its token cancelled");
        IpcInvocationException error = (await FluentActions.Awaiting(() => counter.FailAsync("from the child").AsTask().WaitAsync(ChildTimeout))
            .Should().ThrowAsync<IpcInvocationException>()).Which;
        error.Channel.Should().Be("child.FailAsync");
        error.RemoteTypeName.Should().Be(typeof(FormatException).FullName);
        error.RemoteMessage.Should().Be("from the child");
    }
}
