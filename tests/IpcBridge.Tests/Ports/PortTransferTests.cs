using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Ports;

public class PortTransferTests
{
    private static readonly ChannelAllowlist PortsOnly = ChannelAllowlist.DenyAll.AllowReceive("port").AllowPorts("port").AllowSend("done").AllowInvoke("barrier");

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PostMessage_PortsToRendererAndWork_TheyTalkDirectly(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var rendererPort = Signal.Create<MessagePortMain>();
        var workGot = Signal.Create<string>();
        var rendererGot = Signal.Create<string>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
            ipc.On("port", (e, _) =>
            {
                MessagePortMain port = e.Ports[0];
                port.Message += (_, m) => rendererGot.TrySetResult(m.GetData<string>());
                port.Start();
                rendererPort.TrySetResult(port);
            }));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
            ipc.On("port", (e, _) =>
            {
                MessagePortMain port = e.Ports[0];
                port.Message += (_, m) =>
                {
                    workGot.TrySetResult(m.GetData<string>());
                    port.PostMessage("work got it");
                };
                port.Start();
            }), EndpointKind.Work);

        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        (await rendererPort.Task.WithTimeout()).PostMessage("I am render, sendMsgToWorkByMessagePort");

        (await workGot.Task.WithTimeout()).Should().Be("I am render, sendMsgToWorkByMessagePort");
        (await rendererGot.Task.WithTimeout()).Should().Be("work got it");
        channel.Port1.Invoking(p => p.PostMessage("x")).Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PostMessage_MessagesQueuedBeforeTransfer_FollowThePort(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var probeReady = Signal.Create<PortProbe>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
            ipc.On("port", (e, _) =>
            {
                var probe = new PortProbe(e.Ports[0]);
                e.Ports[0].Start();
                probeReady.TrySetResult(probe);
            }));
        var channel = new MessageChannelMain();
        for (int i = 0; i < 10; i++)
        {
            channel.Port2.PostMessage(i);
        }

        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        for (int i = 10; i < 20; i++)
        {
            channel.Port2.PostMessage(i);
        }

        PortProbe probe = await probeReady.Task.WithTimeout();
        await probe.WaitForCount(20);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(Enumerable.Range(0, 20));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererCreatedChannel_PortPostedToMain_ArrivesInEventPorts(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var mainPort = Signal.Create<MessagePortMain>();
        bridge.IpcMain.On("give-port", (e, _) => mainPort.TrySetResult(e.Ports.Should().ContainSingle().Subject));
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowSend("give-port").AllowPorts("give-port"));

        var channel = new MessageChannelMain();
        var local = new PortProbe(channel.Port2);
        channel.Port2.Start();
        renderer.Ipc.PostMessage("give-port", "take it", new[] { channel.Port1 });
        MessagePortMain port = await mainPort.Task.WithTimeout();
        port.PostMessage("hello from main");

        await local.WaitForCount(1);
        local.Received[0].GetData<string>().Should().Be("hello from main");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PortPostedToMainOnAChannelNobodyListensOn_Closes_SoItsPartnerLearnsIt(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowSend("nobody-listening").AllowPorts("nobody-listening"));
        var channel = new MessageChannelMain();
        var kept = new PortProbe(channel.Port2);
        channel.Port2.Start();

        renderer.Ipc.PostMessage("nobody-listening", null, new[] { channel.Port1 });

        await kept.Closed;
        channel.Port2.IsClosed.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PortPostedToARendererWithoutAListener_Closes_SoMainsEndLearnsIt(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly);
        var channel = new MessageChannelMain();
        var mine = new PortProbe(channel.Port2);
        channel.Port2.Start();

        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });

        await mine.Closed;
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PortPostedWithAMessageWhoseListenerIgnoresIt_StaysOpen(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var secondHeard = Signal.Create<bool>();
        bridge.IpcMain.Handle("barrier", (e, a) => 0);
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            if (e.Ports.Count == 0)
            {
                secondHeard.TrySetResult(true);
            }
        }));
        var channel = new MessageChannelMain();
        var mine = new PortProbe(channel.Port2);
        channel.Port2.Start();

        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        renderer.WebContents.Send("port");
        await secondHeard.Task.WithTimeout("the renderer's listener, the second time");

        // The renderer has finished with the first message; a close frame from it would reach main before this answer.
        await renderer.Ipc.InvokeAsync<int>("barrier").WithTimeout();
        mine.ClosedCount.Should().Be(0);
        channel.Port2.IsClosed.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task PortMessage_CarryingAnotherPort_DeliversItInEventPorts(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var carried = Signal.Create<MessagePortMain>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
            ipc.On("port", (e, _) =>
            {
                e.Ports[0].Message += (_, m) => carried.TrySetResult(m.Ports.Should().ContainSingle().Subject);
                e.Ports[0].Start();
            }));
        var carrier = new MessageChannelMain();
        var inner = new MessageChannelMain();
        var innerProbe = new PortProbe(inner.Port2);
        inner.Port2.Start();

        renderer.WebContents.PostMessage("port", null, new[] { carrier.Port1 });
        carrier.Port2.PostMessage("with a port", new[] { inner.Port1 });
        (await carried.Task.WithTimeout()).PostMessage("through the carried port");

        await innerProbe.WaitForCount(1);
        innerProbe.Received[0].GetData<string>().Should().Be("through the carried port");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task EndpointDestroyed_EntangledPortsClose(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var received = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => received.TrySetResult(true)));
        var channel = new MessageChannelMain();
        var mine = new PortProbe(channel.Port2);
        channel.Port2.Start();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        await received.Task.WithTimeout();

        await renderer.DisposeAsync();

        await mine.Closed;
        channel.Port2.IsClosed.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task CloseInRenderer_RaisesClosedInMain(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("barrier", (e, a) => 0);
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) =>
        {
            e.Ports[0].Close();
            e.Ports[0].Close();
        }));
        var destroyed = Signal.Create<bool>();
        renderer.WebContents.Destroyed += (_, _) => destroyed.TrySetResult(true);
        var channel = new MessageChannelMain();
        var mine = new PortProbe(channel.Port2);

        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        await mine.Closed;

        // A second close frame would be dispatched in main before this call; the renderer going away closes the
        // ports entangled with it once more, before Destroyed is raised.
        await renderer.Ipc.InvokeAsync<int>("barrier").WithTimeout();
        await renderer.DisposeAsync();
        await destroyed.Task.WithTimeout("the renderer's WebContents to be destroyed");
        mine.ClosedCount.Should().Be(1);
        channel.Port2.IsClosed.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Allowlist_ChannelWithoutPorts_RefusesPortsBothWays(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var mainSaw = Signal.Create<int>();
        bridge.IpcMain.On("plain", (e, _) => mainSaw.TrySetResult(e.Ports.Count));
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowReceive("plain").AllowSend("plain"));
        var channel = new MessageChannelMain();

        renderer.WebContents.Invoking(w => w.PostMessage("plain", null, new[] { channel.Port1 })).Should().Throw<IpcAccessDeniedException>();
        renderer.Ipc.Invoking(i => i.PostMessage("plain", null, new[] { channel.Port1 })).Should().Throw<IpcAccessDeniedException>();

        // Refused before anything was sent: the port is still ours, and the channel still works without ports.
        channel.Port1.Invoking(p => p.PostMessage("x")).Should().NotThrow();
        renderer.Ipc.PostMessage("plain", "no ports");
        (await mainSaw.Task.WithTimeout()).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ForgedFrameWithPorts_OnChannelWithoutPorts_IsDroppedAndItsPortsClose(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        int saw = 0;
        var marker = Signal.Create<bool>();
        bridge.IpcMain.On("plain", (_, _) => saw++);
        bridge.IpcMain.On("marker", (_, _) => marker.TrySetResult(true));
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowSend("plain", "marker"));
        var channel = new MessageChannelMain();
        var kept = new PortProbe(channel.Port2);

        // Below IpcRenderer's own check, as a compromised renderer would.
        renderer.Ipc.Ports.SendWithPorts(renderer.Ipc.Connection, Protocol.FrameKind.Send, "plain", "[null]"u8.ToArray(), new[] { channel.Port1 });
        renderer.Ipc.Send("marker");

        await marker.Task.WithTimeout();
        saw.Should().Be(0);
        await kept.Closed;
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task OnePortPair_OneMillionMessages_NoneLostOrReordered(TransportKind transport)
    {
        const int count = 1_000_000;
        const int end = -1;
        await using Bridge bridge = Bridge.Create(transport);
        var done = Signal.Create<(int Received, int OutOfOrder, int FirstOutOfOrder)>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
            ipc.On("port", (e, _) =>
            {
                // Counted apart from the order check: a lost message and a duplicate both change the count.
                int received = 0;
                int outOfOrder = 0;
                int firstOutOfOrder = -1;
                e.Ports[0].Message += (_, m) =>
                {
                    int value = m.GetData<int>();
                    if (value == end)
                    {
                        done.TrySetResult((received, outOfOrder, firstOutOfOrder));
                        return;
                    }

                    if (value != received && outOfOrder++ == 0)
                    {
                        firstOutOfOrder = received;
                    }

                    received++;
                };
                e.Ports[0].Start();
            }));
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });

        for (int i = 0; i < count; i++)
        {
            channel.Port2.PostMessage(i);
        }

        // The port delivers in order, so everything posted before the end marker has been seen when it arrives.
        channel.Port2.PostMessage(end);

        // Generous for a loaded two-core machine; it takes a few seconds when the machine is idle.
        (int receivedCount, int outOfOrderCount, int firstOutOfOrder) = await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        receivedCount.Should().Be(count);
        outOfOrderCount.Should().Be(0, "message #{0} was the first not in posting order", firstOutOfOrder);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task EndpointDestroyed_RendererWorkPair_PortClosesAtTheSurvivor(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var rendererProbe = Signal.Create<PortProbe>();
        var workProbe = Signal.Create<PortProbe>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => rendererProbe.TrySetResult(StartProbe(e.Ports[0]))));
        TestRenderer work = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => ipc.On("port", (e, _) => workProbe.TrySetResult(StartProbe(e.Ports[0]))), EndpointKind.Work);
        var destroyed = Signal.Create<bool>();
        work.WebContents.Destroyed += (_, _) => destroyed.TrySetResult(true);
        var channel = new MessageChannelMain();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        PortProbe atRenderer = await rendererProbe.Task.WithTimeout();
        PortProbe atWork = await workProbe.Task.WithTimeout();

        // Entangled across the two endpoints: each end reaches the other.
        atRenderer.Port.PostMessage("to work");
        await atWork.WaitForCount(1);
        atWork.Port.PostMessage("to renderer");
        await atRenderer.WaitForCount(1);

        await work.DisposeAsync();

        await atRenderer.Closed;
        await destroyed.Task.WithTimeout("the work endpoint's WebContents to be destroyed");
        atRenderer.Port.IsClosed.Should().BeTrue();
        atRenderer.ClosedCount.Should().Be(1);
        atRenderer.Port.Invoking(p => p.PostMessage("after")).Should().NotThrow("posting to a closed port is a no-op");
        atRenderer.Received.Select(m => m.GetData<string>()).Should().Equal("to renderer");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Retransfer_MessagesInFlight_AllArriveInOrderAtTheFinalHolder(TransportKind transport)
    {
        const int queuedBefore = 10;
        const int inFlight = 200;
        const int total = 500;
        const int end = -1;
        await using Bridge bridge = Bridge.Create(transport);
        var entered = Signal.Create<bool>();
        var gate = Signal.Create<bool>();
        MessagePortMain? carrierAtFirst = null;
        TestRenderer first = await bridge.AddRendererAsync(preload: (ipc, _) =>
        {
            ipc.On("carrier", (e, _) => carrierAtFirst = e.Ports[0]);
            ipc.On("port", (e, _) =>
            {
                // Held here, the port's messages pile up behind this listener; they reach it only after it is handed on.
                entered.TrySetResult(true);
                gate.Task.Wait(Signal.Timeout);
                carrierAtFirst!.PostMessage("take it", new[] { e.Ports[0] });
            });
        });
        var finalProbe = Signal.Create<PortProbe>();
        TestRenderer second = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.On("carrier", (e, _) =>
        {
            MessagePortMain carrier = e.Ports[0];
            carrier.Message += (_, m) => finalProbe.TrySetResult(StartProbe(m.Ports[0]));
            carrier.Start();
        }));
        var carrier = new MessageChannelMain();
        first.WebContents.PostMessage("carrier", null, new[] { carrier.Port1 });
        second.WebContents.PostMessage("carrier", null, new[] { carrier.Port2 });
        var channel = new MessageChannelMain();

        int next = 0;
        for (; next < queuedBefore; next++)
        {
            channel.Port2.PostMessage(next);
        }

        first.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        await entered.Task.WithTimeout("the first renderer to receive the port");
        for (; next < queuedBefore + inFlight; next++)
        {
            channel.Port2.PostMessage(next);
        }

        gate.SetResult(true);
        PortProbe probe = await finalProbe.Task.WithTimeout("the port to reach the second renderer");

        // Main has routed the port to its new holder, while what it sent before may still be on its way back from the
        // first renderer: these must not overtake it.
        for (; next < total; next++)
        {
            channel.Port2.PostMessage(next);
        }

        channel.Port2.PostMessage(end);
        await probe.WaitForCount(total + 1);

        // The end marker comes last: a duplicate or a straggler would show before it.
        probe.Received.Select(m => m.GetData<int>()).Should().Equal(Enumerable.Range(0, total).Append(end));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ForgedTransfer_OfAPortTheRendererGaveAway_DisconnectsItAndLeavesThePortAlone(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var mainGot = Signal.Create<MessagePortMain>();
        int gives = 0;
        bridge.IpcMain.On("give", (e, _) =>
        {
            gives++;
            mainGot.TrySetResult(e.Ports[0]);
        });
        var rendererGot = Signal.Create<MessagePortMain>();
        TestRenderer renderer = await bridge.AddRendererAsync(
            ChannelAllowlist.DenyAll.AllowReceive("port").AllowPorts("port", "give").AllowSend("give"),
            (ipc, _) => ipc.On("port", (e, _) => rendererGot.TrySetResult(e.Ports[0])));
        var destroyed = Signal.Create<bool>();
        renderer.WebContents.Destroyed += (_, _) => destroyed.TrySetResult(true);
        var channel = new MessageChannelMain();
        var kept = new PortProbe(channel.Port2);
        channel.Port2.Start();
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        MessagePortMain atRenderer = await rendererGot.Task.WithTimeout();
        long id = atRenderer.Id;
        long partner = atRenderer.PartnerId;

        // Legitimately handed back to main...
        renderer.Ipc.PostMessage("give", null, new[] { atRenderer });
        MessagePortMain atMain = await mainGot.Task.WithTimeout();

        // ...then announced again, as if the renderer still held it.
        renderer.Ipc.Connection.Write(new Protocol.Frame(Protocol.FrameKind.Send, 0, "give", "[null]"u8.ToArray(), new[] { new Protocol.TransferredPort(id, partner, 0L) }));

        await destroyed.Task.WithTimeout("the renderer to be disconnected");
        gives.Should().Be(1);
        atMain.PostMessage("still main's");
        await kept.WaitForCount(1);
        kept.Received[0].GetData<string>().Should().Be("still main's");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Retransfer_BackToMain_MessagesInFlight_AllArriveInOrder(TransportKind transport)
    {
        const int inFlight = 200;
        const int total = 400;
        const int end = -1;
        await using Bridge bridge = Bridge.Create(transport);
        var entered = Signal.Create<bool>();
        var gate = Signal.Create<bool>();
        var back = Signal.Create<PortProbe>();
        bridge.IpcMain.On("give", (e, _) => back.TrySetResult(StartProbe(e.Ports[0])));
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.On("port", (e, _) =>
        {
            entered.TrySetResult(true);
            gate.Task.Wait(Signal.Timeout);
            ipc.PostMessage("give", null, new[] { e.Ports[0] });
        }));
        var channel = new MessageChannelMain();

        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        await entered.Task.WithTimeout("the renderer to receive the port");
        int next = 0;
        for (; next < inFlight; next++)
        {
            channel.Port2.PostMessage(next);
        }

        gate.SetResult(true);
        PortProbe probe = await back.Task.WithTimeout("the port to come back to main");

        // Both ends are in main again, but what was sent to the renderer is still on its way back.
        for (; next < total; next++)
        {
            channel.Port2.PostMessage(next);
        }

        channel.Port2.PostMessage(end);
        await probe.WaitForCount(total + 1);
        probe.Received.Select(m => m.GetData<int>()).Should().Equal(Enumerable.Range(0, total).Append(end));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Retransfer_OnAndBackOverAnotherLinkWithinOneRoundTrip_MessagesInFlight_AllArriveInOrder(TransportKind transport)
    {
        const int inFlight = 300;
        const int total = 600;
        const int end = -1;
        await using Bridge bridge = Bridge.Create(transport);
        var entered = Signal.Create<bool>();
        var gate = Signal.Create<bool>();
        var back = Signal.Create<PortProbe>();
        var atSecond = Signal.Create<bool>();

        // The second renderer hands the port back once main has forwarded it some of what the first renderer passes
        // back: the port returns to main over a second link while the first renderer is still passing back the rest.
        TestRenderer second = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.On("port", (e, _) =>
        {
            atSecond.TrySetResult(true);
            SpinWait.SpinUntil(() => bridge.Main.Ports.ForwardedFrames >= inFlight / 6, Signal.Timeout).Should().BeTrue();
            ipc.PostMessage("back", null, e.Ports);
        }));
        bridge.IpcMain.On("give", (e, _) => second.WebContents.PostMessage("port", null, e.Ports));
        bridge.IpcMain.On("back", (e, _) => back.TrySetResult(StartProbe(e.Ports[0])));
        TestRenderer first = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.On("port", (e, _) =>
        {
            entered.TrySetResult(true);
            gate.Task.Wait(Signal.Timeout);
            ipc.PostMessage("give", null, e.Ports);

            // What main sent the port here is passed back only once the port is at the second renderer.
            atSecond.Task.Wait(Signal.Timeout);
        }));
        var channel = new MessageChannelMain();

        first.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        await entered.Task.WithTimeout("the first renderer to receive the port");
        int next = 0;
        for (; next < inFlight; next++)
        {
            channel.Port2.PostMessage(next);
        }

        gate.SetResult(true);

        // Posted while the port goes round: these wait until both old routes are drained.
        for (; next < total; next++)
        {
            channel.Port2.PostMessage(next);
        }

        PortProbe probe = await back.Task.WithTimeout("the port to come back to main");
        channel.Port2.PostMessage(end);
        await probe.WaitForCount(total + 1);
        probe.Received.Select(m => m.GetData<int>()).Should().Equal(Enumerable.Range(0, total).Append(end));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Transfer_WhileAHandlerRunsOnAnotherThread_WaitsForIt_SoTheNextMessageIsHandledAfter(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var order = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var arrivedInRenderer = Signal.Create<bool>();
        var secondHandled = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
            ipc.On("port", (e, _) =>
            {
                e.Ports[0].Message += (_, m) =>
                {
                    order.Enqueue(m.GetData<int>());
                    secondHandled.TrySetResult(true);
                };
                e.Ports[0].Start();
                arrivedInRenderer.TrySetResult(true);
            }));

        var channel = new MessageChannelMain();
        var entered = Signal.Create<bool>();
        var release = new ManualResetEventSlim();
        channel.Port2.Message += (_, m) =>
        {
            entered.TrySetResult(true);
            release.Wait(Signal.Timeout);
            order.Enqueue(m.GetData<int>());
        };
        channel.Port2.Start();
        channel.Port1.PostMessage(0);
        await entered.Task.WithTimeout("message 0's handler to start in main");

        // The transfer must not complete while message 0's handler still runs here.
        Task transfer = Task.Run(() => renderer.WebContents.PostMessage("port", null, new[] { channel.Port2 }));
        channel.Port1.PostMessage(1);
        Task first = await Task.WhenAny(transfer, secondHandled.Task, Task.Delay(200));
        first.Should().NotBe(secondHandled.Task, "message 1 must not be handled at the new place while message 0's handler runs at the old one");

        release.Set();
        await transfer.WithTimeout("the transfer, once the handler returned");
        await arrivedInRenderer.Task.WithTimeout("the port in the renderer");
        await secondHandled.Task.WithTimeout("message 1 in the renderer");
        order.Should().Equal(0, 1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Transfer_FromInsideTheMovingPortsOwnHandler_DoesNotWaitForItself(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        var gotInRenderer = Signal.Create<int>();
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) =>
            ipc.On("port", (e, _) =>
            {
                e.Ports[0].Message += (_, m) => gotInRenderer.TrySetResult(m.GetData<int>());
                e.Ports[0].Start();
            }));

        var channel = new MessageChannelMain();
        var handedOn = Signal.Create<bool>();
        channel.Port2.Message += (_, m) =>
        {
            if (m.GetData<int>() == 0)
            {
                // Queued behind this message: message 1, which must follow the port rather than be handled here.
                channel.Port1.PostMessage(1);
                renderer.WebContents.PostMessage("port", null, new[] { channel.Port2 });
                handedOn.TrySetResult(true);
            }
        };
        channel.Port2.Start();
        channel.Port1.PostMessage(0);

        await handedOn.Task.WithTimeout("the handler to transfer its own port");
        (await gotInRenderer.Task.WithTimeout("message 1 at the port's new place")).Should().Be(1);
    }

    [Fact]
    public async Task Transfer_Refused_ThePortStaysAndKeepsDelivering()
    {
        await using Bridge bridge = Bridge.Create(TransportKind.InProcess);
        TestRenderer renderer = await bridge.AddRendererAsync(PortsOnly, (ipc, _) => { });
        var channel = new MessageChannelMain();
        var got = Signal.Create<int>();
        channel.Port2.Message += (_, m) => got.TrySetResult(m.GetData<int>());
        channel.Port2.Start();

        // "nope" is not allowed to carry ports: the send is refused, the port stays here and keeps delivering.
        renderer.WebContents.Invoking(w => w.PostMessage("nope", null, new[] { channel.Port2 })).Should().Throw<IpcAccessDeniedException>();
        channel.Port1.PostMessage(7);
        (await got.Task.WithTimeout("a message at the port that stayed")).Should().Be(7);
    }

    private static PortProbe StartProbe(MessagePortMain port)
    {
        var probe = new PortProbe(port);
        port.Start();
        return probe;
    }
}
