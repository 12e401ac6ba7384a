using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Ports;

/// <summary>
/// A port pair whose ends live in two endpoints connected over streams gets a direct link brokered by main; the switch
/// from the route through main to the direct link loses and reorders nothing.
/// </summary>
public class DirectPortLinkTests
{
    private static readonly ChannelAllowlist PortsOnly = ChannelAllowlist.DenyAll.AllowReceive("port").AllowPorts("port");

    [Fact]
    public async Task PortPairAcrossTwoStreamEndpoints_MovesToDirectLink_WithoutLossOrReorderingWhileBusy()
    {
        const int count = 20_000;
        await using Bridge bridge = Bridge.Create(TransportKind.Stream);
        var rendererPort = Signal.Create<MessagePortMain>();
        var echoedAll = Signal.Create<int>();
        var workSaw = new List<int>();
        var rendererSaw = new List<int>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            MessagePortMain port = e.Ports[0];
            port.Message += (_, m) =>
            {
                int n = m.GetData<int>();
                rendererSaw.Add(n);
                if (rendererSaw.Count == count)
                {
                    echoedAll.TrySetResult(rendererSaw.Count);
                }
            };
            port.Start();
            rendererPort.TrySetResult(port);
        }));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            MessagePortMain port = e.Ports[0];
            port.Message += (_, m) =>
            {
                int n = m.GetData<int>();
                workSaw.Add(n);
                port.PostMessage(n);
            };
            port.Start();
        }), EndpointKind.Work);
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        MessagePortMain mine = await rendererPort.Task.WithTimeout();

        // The renderer streams while the other end is handed out and the pair moves to a direct link under it.
        Task streaming = Task.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                mine.PostMessage(i);
            }
        });
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        await streaming.WithTimeout();
        await echoedAll.Task.WaitAsync(TimeSpan.FromMinutes(1));

        workSaw.Should().Equal(Ordered(count));
        rendererSaw.Should().Equal(Ordered(count));
    }

    [Fact]
    public async Task PartnersFenceArrivesBeforeThisEndActsOnItsMove_NothingIsHeldBackForever()
    {
        // Arrange: the work end opens its side of the direct link, then waits until the renderer's fence has come
        // over the old route, and only then moves: the order a slow link set-up produces now and then.
        const int count = 200;
        await using Bridge bridge = Bridge.Create(TransportKind.Stream);
        var rendererPort = Signal.Create<MessagePortMain>();
        var echoedAll = Signal.Create<bool>();
        var rendererSaw = new List<int>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            MessagePortMain port = e.Ports[0];
            port.Message += (_, m) =>
            {
                rendererSaw.Add(m.GetData<int>());
                if (rendererSaw.Count == count)
                {
                    echoedAll.TrySetResult(true);
                }
            };
            port.Start();
            rendererPort.TrySetResult(port);
        }));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            MessagePortMain port = e.Ports[0];
            port.Message += (_, m) => port.PostMessage(m.GetData<int>());
            port.Start();
        }), EndpointKind.Work);
        bool waited = false;
        work.Ipc.Peers!.BeforeMove = async port =>
        {
            await Eventually(() => work.Ipc.Ports.HasEarlyFence(port));
            waited = true;
        };
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        MessagePortMain mine = await rendererPort.Task.WithTimeout();

        // Act
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        await bridge.Main.Broker.WhenIdleAsync().WithTimeout();
        for (int i = 0; i < count; i++)
        {
            mine.PostMessage(i);
        }

        // Assert
        await echoedAll.Task.WithTimeout("every echo over the direct link");
        waited.Should().BeTrue("the move really happened after the partner's fence");
        rendererSaw.Should().Equal(Ordered(count));
    }

    [Fact]
    public async Task PortHandedBackAndForth_ThenMovedToDirectLink_DeliversEverythingInOrder()
    {
        // Arrange: main gives the port to the renderer, which hands it straight back, and main gives it again, all
        // within one round trip; so each side has a fence for the same port out on the same link.
        const int count = 2_000;
        await using Bridge bridge = Bridge.Create(TransportKind.Stream);
        int arrivals = 0;
        var kept = Signal.Create<PortProbe>();
        var partner = Signal.Create<MessagePortMain>();
        ChannelAllowlist handsBack = PortsOnly.AllowSend("give").AllowPorts("give");
        TestRenderer renderer = await bridge.AddRendererAsync(handsBack, (ipc, _) => ipc.On("port", (e, _) =>
        {
            if (Interlocked.Increment(ref arrivals) == 1)
            {
                ipc.PostMessage("give", null, e.Ports);
                return;
            }

            var probe = new PortProbe(e.Ports[0]);
            e.Ports[0].Start();
            kept.TrySetResult(probe);
        }));
        bridge.IpcMain.On("give", (e, _) => renderer.WebContents.PostMessage("port", null, e.Ports));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => partner.TrySetResult(e.Ports[0])), EndpointKind.Work);
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        PortProbe probe = await kept.Task.WithTimeout("the port to reach the renderer the second time");

        // Act: the partner goes to the work endpoint; the pair moves onto a direct link and the work endpoint posts.
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        MessagePortMain atWork = await partner.Task.WithTimeout("the partner to reach the work endpoint");
        await bridge.Main.Broker.WhenIdleAsync().WithTimeout();
        for (int i = 0; i < count; i++)
        {
            atWork.PostMessage(i);
        }

        // Assert: nothing is held for a fence that never comes back.
        await probe.WaitForCount(count);
        probe.Received.Select(m => m.GetData<int>()).Should().Equal(Ordered(count));
        renderer.Ipc.Ports.IsHolding(probe.Port.Id).Should().BeFalse();
    }

    [Fact]
    public async Task AfterTheMove_MainForwardsNothing()
    {
        var logs = new CapturingLoggerProvider();
        await using Bridge bridge = Bridge.Create(TransportKind.Stream, null, logs.CreateFactory());
        var ports = new[] { Signal.Create<MessagePortMain>(), Signal.Create<MessagePortMain>() };
        var echoes = new Signal.Countdown(1);
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => ports[0].TrySetResult(e.Ports[0])));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            MessagePortMain port = e.Ports[0];
            port.Message += (_, m) => port.PostMessage(m.GetData<int>());
            port.Start();
            ports[1].TrySetResult(port);
        }), EndpointKind.Work);
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        MessagePortMain mine = await ports[0].Task.WithTimeout();
        await ports[1].Task.WithTimeout();
        await bridge.Main.Broker.WhenIdleAsync().WithTimeout("the broker");
        var received = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var done = Signal.Create<bool>();
        mine.Message += (_, m) =>
        {
            received.Enqueue(m.GetData<int>());
            if (received.Count == 500)
            {
                done.TrySetResult(true);
            }
        };
        mine.Start();
        long before = bridge.Main.Ports.ForwardedFrames;

        for (int i = 0; i < 500; i++)
        {
            mine.PostMessage(i);
        }

        await done.Task.WithTimeout();
        received.Should().Equal(Ordered(500));
        bridge.Main.Ports.ForwardedFrames.Should().Be(before, "the pair talks over its direct link, not through main; " + string.Join(" | ", logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Debug).Select(e => e.Message + " " + e.Exception)));
    }

    [Fact]
    public async Task PairClosed_ItsDirectChannelIsClosedOnBothSides()
    {
        await using Bridge bridge = Bridge.Create(TransportKind.Stream);
        var ports = new[] { Signal.Create<MessagePortMain>(), Signal.Create<MessagePortMain>() };
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => ports[0].TrySetResult(e.Ports[0])));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => ports[1].TrySetResult(e.Ports[0])), EndpointKind.Work);
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        MessagePortMain mine = await ports[0].Task.WithTimeout();
        var theirs = new PortProbe(await ports[1].Task.WithTimeout());
        await bridge.Main.Broker.WhenIdleAsync().WithTimeout("the broker");
        renderer.Ipc.Peers!.OpenChannels.Should().Be(1);
        work.Ipc.Peers!.OpenChannels.Should().Be(1);

        mine.Close();
        await theirs.Closed;

        await Eventually(() => renderer.Ipc.Peers.OpenChannels == 0 && work.Ipc.Peers.OpenChannels == 0);
    }

    [Fact]
    public async Task InProcessEndpoints_KeepRoutingThroughMain()
    {
        await using Bridge bridge = Bridge.Create(TransportKind.InProcess);
        var got = Signal.Create<int>();
        var mineReady = Signal.Create<MessagePortMain>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => mineReady.TrySetResult(e.Ports[0])));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            e.Ports[0].Message += (_, m) => got.TrySetResult(m.GetData<int>());
            e.Ports[0].Start();
        }));
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });

        (await mineReady.Task.WithTimeout()).PostMessage(7);

        (await got.Task.WithTimeout()).Should().Be(7);
        bridge.Main.Ports.ForwardedFrames.Should().BeGreaterThan(0);
    }

    /// <summary>Waits for a condition that follows asynchronously from what the test awaited (a link's close on both sides).</summary>
    private static async Task Eventually(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Signal.Timeout;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold within the timeout");
            await Task.Delay(10);
        }
    }

    private static IEnumerable<int> Ordered(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return i;
        }
    }
}
