using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Core;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Tests.Ports;

public class BackPressureTests
{
    private static readonly ChannelAllowlist PortsOnly = ChannelAllowlist.DenyAll.AllowReceive("port", "marker").AllowPorts("port");

    [Fact]
    public void QueueLimit_OutOfRange_Throws()
    {
        FluentActions.Invoking(() => new QueueLimit(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new QueueLimit(1, (QueueFullMode)9)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void MessageChannelMain_Default_IsUnbounded()
    {
        var channel = new MessageChannelMain();

        channel.Port1.Limit.Should().BeNull();
        for (int i = 0; i < 10_000; i++)
        {
            channel.Port1.PostMessage(i);
        }

        channel.Port1.DroppedCount.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Wait_ReceiverFull_SenderWaitsUntilReceiverHandlesMessages(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge, new QueueLimit(2, QueueFullMode.Wait));
        var probe = new PortProbe(pair.Remote);
        await pair.Local.PostMessageAsync(0).WithTimeout();
        await pair.Local.PostMessageAsync(1).WithTimeout();

        Task third = pair.Local.PostMessageAsync(2);
        await pair.Remote.PostMessageAsync("the other direction is independent").WithTimeout();

        // Room comes back only as the receiver handles messages, and it has not been started.
        third.IsCompleted.Should().BeFalse("the receiver has not handled anything yet");
        pair.Remote.Start();
        await third.WithTimeout("room at the receiver");
        await probe.WaitForCount(3);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1, 2);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Wait_SyncPost_BlocksUntilRoom(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge, new QueueLimit(1, QueueFullMode.Wait));
        var probe = new PortProbe(pair.Remote);
        pair.Local.PostMessage(0);

        Task blocked = Task.Run(() => pair.Local.PostMessage(1));
        await Until(() => pair.Local.BlockedPosts == 1, "the second PostMessage to block waiting for room");
        pair.Remote.PostMessage("independent");

        blocked.IsCompleted.Should().BeFalse();
        probe.Received.Should().BeEmpty();
        pair.Remote.Start();
        await blocked.WithTimeout("the blocked PostMessage");
        await probe.WaitForCount(2);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1);
        pair.Local.BlockedPosts.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Wait_PostMessageAsync_CancelledWhileWaiting_NotSent(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge, new QueueLimit(1, QueueFullMode.Wait));
        var probe = new PortProbe(pair.Remote);
        await pair.Local.PostMessageAsync("first").WithTimeout();
        using var cts = new CancellationTokenSource();

        Task waiting = pair.Local.PostMessageAsync("never", null, cts.Token);
        await cts.CancelAsync();

        await waiting.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<OperationCanceledException>();
        pair.Remote.Start();
        await pair.Local.PostMessageAsync("after").WithTimeout("room for the next message");
        await probe.WaitForCount(2);
        probe.Received.Select(e => e.GetData<string>()).Should().Equal("first", "after");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Fail_ReceiverFull_PostThrowsQueueFull(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge, new QueueLimit(2, QueueFullMode.Fail));
        var probe = new PortProbe(pair.Remote);
        pair.Local.PostMessage(0);
        pair.Local.PostMessage(1);

        pair.Local.Invoking(p => p.PostMessage(2)).Should().Throw<IpcQueueFullException>();
        await pair.Local.Awaiting(p => p.PostMessageAsync(2)).Should().ThrowAsync<IpcQueueFullException>();

        pair.Remote.Start();
        await probe.WaitForCount(2);
        await WaitUntilAccepted(pair.Local, 3);
        await probe.WaitForCount(3);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1, 3);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task DropNewest_ReceiverFull_PostedMessageDropped(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge, new QueueLimit(2, QueueFullMode.DropNewest));
        var probe = new PortProbe(pair.Remote);
        for (int i = 0; i < 5; i++)
        {
            pair.Local.PostMessage(i);
        }

        pair.Local.DroppedCount.Should().Be(3);
        pair.Remote.Start();
        await probe.WaitForCount(2);
        await Until(() => PostUnlessDropped(pair.Local, 5), "room for 5 once the receiver handled 0 and 1");

        // A port delivers in order: a dropped message that had been sent after all would come before 5.
        await probe.WaitForCount(3);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1, 5);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task DropOldest_ReceiverFull_KeepsTheNewest(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var arrived = Signal.Create<MessagePortMain>();
        var marker = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
        {
            ipc.On("port", (e, _) => arrived.TrySetResult(e.Ports[0]));
            ipc.On("marker", (_, _) => marker.TrySetResult(true));
        });
        var channel = new MessageChannelMain(new QueueLimit(3, QueueFullMode.DropOldest));
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        MessagePortMain remote = await arrived.Task.WithTimeout();
        remote.Limit.Should().NotBeNull("the limit travels with the port");

        var back = new PortProbe(channel.Port2);
        channel.Port2.Start();
        for (int i = 0; i < 10; i++)
        {
            channel.Port2.PostMessage(i);
        }

        var probe = new PortProbe(remote);
        remote.Message += (_, m) =>
        {
            if (m.GetData<int>() == 9)
            {
                remote.PostMessage("done");
            }
        };
        // The link is ordered: once the marker is dispatched in the renderer, all ten sit in the remote port's queue.
        renderer.WebContents.Send("marker");
        await marker.Task.WithTimeout();
        remote.Start();
        await back.WaitForCount(1);

        probe.Received.Select(e => e.GetData<int>()).Should().Equal(7, 8, 9);
        remote.DroppedCount.Should().Be(7);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Wait_AcrossEndpoints_SenderHeldBackUntilRemoteHandles(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var arrived = Signal.Create<MessagePortMain>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => arrived.TrySetResult(e.Ports[0])));
        var channel = new MessageChannelMain(new QueueLimit(4, QueueFullMode.Wait));
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        MessagePortMain remote = await arrived.Task.WithTimeout();
        var probe = new PortProbe(remote);

        for (int i = 0; i < 4; i++)
        {
            await channel.Port2.PostMessageAsync(i).WithTimeout();
        }

        Task fifth = channel.Port2.PostMessageAsync(4);
        fifth.IsCompleted.Should().BeFalse();
        remote.Start();
        await fifth.WithTimeout("credit from the remote port");
        for (int i = 5; i < 100; i++)
        {
            await channel.Port2.PostMessageAsync(i).WithTimeout();
        }

        await probe.WaitForCount(100);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(Enumerable.Range(0, 100));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Wait_SyncPostOnDispatchThreadWhenFull_ThrowsInsteadOfDeadlocking(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var outcome = Signal.Create<Exception?>();
        MessagePortMain? held = null;
        Task? later = null;
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            // On the renderer's dispatch thread, where the partner's acknowledgements would be dispatched too.
            MessagePortMain port = e.Ports[0];
            Volatile.Write(ref held, port);
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    port.PostMessage(i);
                }

                outcome.TrySetResult(null);
            }
            catch (Exception ex)
            {
                later = port.PostMessageAsync(2);
                outcome.TrySetResult(ex);
            }
        }));
        var channel = new MessageChannelMain(new QueueLimit(2, QueueFullMode.Wait));
        var probe = new PortProbe(channel.Port2);

        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        Exception? thrown;
        try
        {
            thrown = await outcome.Task.WithTimeout("the listener's third PostMessage to return or throw");
        }
        finally
        {
            // Should the post hang, closing the port frees the listener, so the test fails instead of stalling the run.
            if (!outcome.Task.IsCompleted)
            {
                Volatile.Read(ref held)?.Close();
            }
        }

        thrown.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("dispatch thread").And.Contain("PostMessageAsync");
        later.Should().NotBeNull();
        later!.IsCompleted.Should().BeFalse("the receiver has not handled anything yet, so there is no room");
        channel.Port2.Start();
        await later.WithTimeout("PostMessageAsync to get room");
        await probe.WaitForCount(3);
        probe.Received.Select(m => m.GetData<int>()).Should().Equal(0, 1, 2);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InboundQueueLimit_DropNewest_OneWayDroppedCallsAnsweredWithError(TransportKind transport)
    {
        var options = new IpcBridgeOptions { InboundQueueLimit = new QueueLimit(2, QueueFullMode.DropNewest) };
        await using Bridge bridge = Bridge.Create(transport, options);
        var blocker = new MainBlocker(bridge.IpcMain);
        int seen = 0;
        var twoSeen = Signal.Create<bool>();
        bridge.IpcMain.On("count", (_, _) =>
        {
            if (++seen == 2)
            {
                twoSeen.TrySetResult(true);
            }
        });
        bridge.IpcMain.Handle("echo", (e, a) => a.Get<int>(0));
        TestRenderer renderer = await bridge.AddRendererAsync();

        await blocker.BlockAsync(renderer.Ipc);
        renderer.Ipc.Send("count");
        renderer.Ipc.Send("count");
        renderer.Ipc.Send("count");
        Task<int> refused = renderer.Ipc.InvokeAsync<int>("echo", 1);
        await refused.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcQueueFullException>().WithMessage("*queue is full*");
        blocker.Release();
        await twoSeen.Task.WithTimeout();

        (await renderer.Ipc.InvokeAsync<int>("echo", 2).WithTimeout()).Should().Be(2);
        seen.Should().Be(2, "the third one-way message did not fit and was dropped");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InboundQueueLimit_Fail_OneWayDroppedAndLoggedCallsFailWithQueueFull(TransportKind transport)
    {
        var log = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = log.CreateFactory();
        var options = new IpcBridgeOptions { InboundQueueLimit = new QueueLimit(2, QueueFullMode.Fail) };
        await using Bridge bridge = Bridge.Create(transport, options, loggerFactory);
        var blocker = new MainBlocker(bridge.IpcMain);
        var seen = new Recorder<int>();
        bridge.IpcMain.On<int>("count", (_, n) => seen.Add(n));
        bridge.IpcMain.On("sync", (e, _) => e.ReturnValue = 1);
        bridge.IpcMain.Handle("echo", (e, a) => a.Get<int>(0));
        TestRenderer renderer = await bridge.AddRendererAsync();

        await blocker.BlockAsync(renderer.Ipc);
        renderer.Ipc.Send("count", 1);
        renderer.Ipc.Send("count", 2);
        renderer.Ipc.Send("count", 3);
        Task<int> invoke = renderer.Ipc.InvokeAsync<int>("echo", 1);
        Task<int> sync = Task.Run(() => renderer.Ipc.SendSync<int>("sync"));

        // The link is ordered: the refused calls prove the one-way messages before them reached the full queue.
        await invoke.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcQueueFullException>().WithMessage("*'echo'*queue is full*");
        await sync.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcQueueFullException>().WithMessage("*'sync'*queue is full*");
        blocker.Release();
        await seen.WaitForCount(2);

        // Once those two ran the queue is empty again; a late third would be dispatched before this call.
        (await renderer.Ipc.InvokeAsync<int>("echo", 2).WithTimeout()).Should().Be(2);

        // The third one-way message did not fit; its sender had already moved on, so it was dropped, not thrown.
        seen.Items.Should().Equal(1, 2);
        log.Entries.Should().Contain(e => e.EventId.Id == 10 && e.Message.Contains("'count'") && e.Message.Contains(nameof(QueueFullMode.Fail)));
        renderer.Ipc.IsDisconnected.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InboundQueueLimit_DropOldest_OldestOneWayMessagesMakeRoom(TransportKind transport)
    {
        var cancelArrived = Signal.Create<bool>();
        var options = new IpcBridgeOptions
        {
            InboundQueueLimit = new QueueLimit(3, QueueFullMode.DropOldest),
            FrameTrace = t =>
            {
                if (t.Direction == IpcTraceDirection.Received && t.Kind == "Cancel")
                {
                    cancelArrived.TrySetResult(true);
                }
            },
        };
        await using Bridge bridge = Bridge.Create(transport, options);
        var blocker = new MainBlocker(bridge.IpcMain);
        var seen = new Recorder<int>();
        bridge.IpcMain.On<int>("n", (_, n) => seen.Add(n));
        bridge.IpcMain.Handle("echo", (e, a) => a.Get<int>(0));
        bridge.IpcMain.Handle("slow", async (e, a) =>
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, e.CancellationToken);
            return 0;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();
        using var cts = new System.Threading.CancellationTokenSource();
        Task<int> slow = renderer.Ipc.InvokeAsync<int>("slow", Array.Empty<object?>(), cts.Token);

        await blocker.BlockAsync(renderer.Ipc);
        for (int i = 0; i < 6; i++)
        {
            renderer.Ipc.Send("n", i);
        }

        Task<int> echo = renderer.Ipc.InvokeAsync<int>("echo", 10);

        // A cancel frame is not bounded; once main has read it, everything before it on the link is in the queue.
        cts.Cancel();
        await cancelArrived.Task.WithTimeout("main to read the cancel frame");
        blocker.Release();

        // 0, 1, 2 gave way to 3, 4, 5; then the call, which is never dropped, took the place of the oldest left (3).
        (await echo.WithTimeout()).Should().Be(10);
        seen.Items.Should().Equal(4, 5);
        await slow.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<OperationCanceledException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InboundQueueLimit_DropOldest_OnlyCallsWaiting_NewcomerRefused(TransportKind transport)
    {
        var options = new IpcBridgeOptions { InboundQueueLimit = new QueueLimit(2, QueueFullMode.DropOldest) };
        await using Bridge bridge = Bridge.Create(transport, options);
        var blocker = new MainBlocker(bridge.IpcMain);
        var seen = new Recorder<int>();
        bridge.IpcMain.On<int>("n", (_, n) => seen.Add(n));
        bridge.IpcMain.Handle("echo", (e, a) => a.Get<int>(0));
        TestRenderer renderer = await bridge.AddRendererAsync();

        await blocker.BlockAsync(renderer.Ipc);
        Task<int> first = renderer.Ipc.InvokeAsync<int>("echo", 1);
        Task<int> second = renderer.Ipc.InvokeAsync<int>("echo", 2);
        Task<int> third = renderer.Ipc.InvokeAsync<int>("echo", 3);
        await third.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcQueueFullException>("queued calls are never dropped to make room");
        renderer.Ipc.Send("n", 7);
        Task<int> fourth = renderer.Ipc.InvokeAsync<int>("echo", 4);
        await fourth.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcQueueFullException>();
        blocker.Release();

        (await first.WithTimeout()).Should().Be(1);
        (await second.WithTimeout()).Should().Be(2);
        renderer.Ipc.Send("n", 8);
        (await renderer.Ipc.InvokeAsync<int>("echo", 5).WithTimeout()).Should().Be(5);
        // 7 arrived when only calls were waiting: it was itself the oldest one-way message, so it gave way.
        seen.Items.Should().Equal(8);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InboundQueueLimit_Wait_EverythingArrivesInOrder(TransportKind transport)
    {
        var options = new IpcBridgeOptions { InboundQueueLimit = new QueueLimit(4, QueueFullMode.Wait) };
        await using Bridge bridge = Bridge.Create(transport, options);
        var all = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var done = Signal.Create<bool>();
        bridge.IpcMain.On<int>("n", (_, n) =>
        {
            all.Enqueue(n);
            if (n == 999)
            {
                done.TrySetResult(true);
            }
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        await Task.Run(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                renderer.Ipc.Send("n", i);
            }
        });

        await done.Task.WithTimeout();
        all.Should().Equal(Enumerable.Range(0, 1000));
    }

    [Fact]
    public async Task InboundQueueLimit_Wait_AMessageCarryingPortsIsLetPastAFullQueueRatherThanWaitUnderTheRoutersLock()
    {
        var options = new IpcBridgeOptions { InboundQueueLimit = new QueueLimit(1, QueueFullMode.Wait) };
        await using Bridge bridge = Bridge.Create(TransportKind.InProcess, options);
        var entered = Signal.Create<bool>();
        var portArrived = Signal.Create<MessagePortMain>();
        using var release = new ManualResetEventSlim();
        ChannelAllowlist allowlist = ChannelAllowlist.DenyAll.AllowReceive("block", "fill", "port").AllowPorts("port");
        TestRenderer renderer = await bridge.AddRendererAsync(allowlist, (ipc, _) =>
        {
            ipc.On("block", (_, _) =>
            {
                entered.TrySetResult(true);
                release.Wait(Signal.Timeout);
            });
            ipc.On("port", (e, _) => portArrived.TrySetResult(e.Ports[0]));
        });

        // The renderer's dispatch is busy and its one place in the queue taken.
        renderer.WebContents.Send("block");
        await entered.Task.WithTimeout("the renderer to be busy");
        renderer.WebContents.Send("fill");

        // A plain send would wait for room here; one carrying ports is written under the router's lock and goes past.
        var channel = new MessageChannelMain();
        await Task.Run(() => renderer.WebContents.PostMessage("port", null, new[] { channel.Port2 })).WithTimeout("a transfer to a full receiver");

        release.Set();
        MessagePortMain port = await portArrived.Task.WithTimeout("the port, once the renderer drains");
        var got = Signal.Create<string>();
        port.Message += (_, m) => got.TrySetResult(m.GetData<string>());
        port.Start();
        channel.Port1.PostMessage("after");
        (await got.Task.WithTimeout()).Should().Be("after");
    }

    /// <summary>Completes when <paramref name="condition"/> holds; it is about another thread's progress, so it is polled, up to the signal timeout.</summary>
    private static async Task Until(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Signal.Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Signal.Timeout.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Posts <paramref name="value"/> on a <see cref="QueueFullMode.DropNewest"/> port; <see langword="false"/> when it was dropped for want of room.</summary>
    private static bool PostUnlessDropped(MessagePortMain port, int value)
    {
        long dropped = port.DroppedCount;
        port.PostMessage(value);
        return port.DroppedCount == dropped;
    }

    /// <summary>Retries until the port has room again: the credit comes back asynchronously after the receiver handled messages.</summary>
    private static async Task WaitUntilAccepted(MessagePortMain port, int value)
    {
        DateTime deadline = DateTime.UtcNow + Signal.Timeout;
        while (true)
        {
            try
            {
                port.PostMessage(value);
                return;
            }
            catch (IpcQueueFullException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
        }
    }

    /// <summary>A listener on "block" that holds main's dispatch loop until released, so that what follows queues up behind it.</summary>
    private sealed class MainBlocker
    {
        private readonly TaskCompletionSource<bool> gate = Signal.Create<bool>();
        private readonly TaskCompletionSource<bool> entered = Signal.Create<bool>();

        public MainBlocker(IpcMain ipcMain) => ipcMain.On("block", (_, _) =>
        {
            this.entered.TrySetResult(true);
            this.gate.Task.Wait(Signal.Timeout);
        });

        public async Task BlockAsync(IpcRenderer renderer)
        {
            renderer.Send("block");
            await this.entered.Task.WithTimeout("main's dispatch loop to block");
        }

        public void Release() => this.gate.TrySetResult(true);
    }
}
