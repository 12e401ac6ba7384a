using System;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Ports;

public class MessagePortTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MessagePort_PostedBeforeStart_QueuedAndDeliveredInOrderAfterStart(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge);
        var probe = new PortProbe(pair.Remote);

        for (int i = 0; i < 5; i++)
        {
            pair.Local.PostMessage(i);
        }

        // The barrier: a started port raises Closed only after delivering all it holds, so a Closed with nothing
        // received proves nothing was delivered before Start. What arrived before the close is still kept.
        pair.Local.Close();
        await probe.Closed;
        probe.Received.Should().BeEmpty();

        pair.Remote.Start();
        await probe.WaitForCount(5);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1, 2, 3, 4);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MessagePort_SubscribingToMessage_DoesNotStartIt(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge);
        var probe = new PortProbe(pair.Remote);
        pair.Local.PostMessage("held");
        pair.Local.Close();

        // Closed follows the queued message only once started; unstarted, the close is immediate and nothing was delivered.
        await probe.Closed;
        probe.Received.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MessagePort_Close_RaisesClosedOnBothSidesExactlyOnce(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge);
        var one = new PortProbe(pair.Local);
        var two = new PortProbe(pair.Remote);
        pair.Local.Start();
        pair.Remote.Start();

        pair.Local.Close();
        pair.Local.Close();
        pair.Remote.Close();
        await one.Closed;
        await two.Closed;

        // Late duplicates would come from a second close frame or from the renderer going away, which closes its
        // ports once more; both have been dispatched on each side by the time these return.
        await pair.BarrierAsync();
        var destroyed = Signal.Create<bool>();
        pair.Renderer.WebContents.Destroyed += (_, _) => destroyed.TrySetResult(true);
        await pair.Renderer.DisposeAsync();
        await destroyed.Task.WithTimeout("the renderer's WebContents to be destroyed");

        one.ClosedCount.Should().Be(1);
        two.ClosedCount.Should().Be(1);
        pair.Local.IsClosed.Should().BeTrue();
        pair.Remote.IsClosed.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MessagePort_PostAfterClose_IsNoOp(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge);
        var one = new PortProbe(pair.Local);
        var two = new PortProbe(pair.Remote);
        pair.Local.Start();
        pair.Remote.Start();
        pair.Local.Close();
        await two.Closed;

        pair.Local.Invoking(p => p.PostMessage("late")).Should().NotThrow();
        pair.Remote.Invoking(p => p.PostMessage("late")).Should().NotThrow();
        await pair.BarrierAsync();

        one.Received.Should().BeEmpty();
        two.Received.Should().BeEmpty();
        pair.Renderer.Ipc.IsDisconnected.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MessagePort_TransferThroughItselfOrPartnerOrTwice_ThrowsBeforeSending(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge);
        var probe = new PortProbe(pair.Remote);
        pair.Remote.Start();
        var other = new MessageChannelMain();

        pair.Local.Invoking(p => p.PostMessage("x", new[] { pair.Local })).Should().Throw<ArgumentException>();
        pair.Local.Invoking(p => p.PostMessage("x", new[] { pair.Remote })).Should().Throw<ArgumentException>();
        pair.Local.Invoking(p => p.PostMessage("x", new[] { other.Port1, other.Port1 })).Should().Throw<ArgumentException>();

        // A port delivers in order: had a refused post sent anything, it would arrive before this one.
        pair.Local.PostMessage("after");
        await probe.WaitForCount(1);
        probe.Received.Select(e => e.GetData<string>()).Should().Equal("after");
        probe.Received[0].Ports.Should().BeEmpty();

        // The ports named in the refused posts are still usable.
        var otherProbe = new PortProbe(other.Port2);
        other.Port2.Start();
        other.Port1.PostMessage("still mine");
        await otherProbe.WaitForCount(1);
        otherProbe.Received[0].GetData<string>().Should().Be("still mine");
    }

    [Fact]
    public void MessagePort_InMessageBody_ThrowsSerializationException()
    {
        var channel = new MessageChannelMain();
        var other = new MessageChannelMain();

        channel.Port1.Invoking(p => p.PostMessage(new { port = other.Port1 })).Should().Throw<IpcSerializationException>();
        channel.Port1.Invoking(p => p.PostMessage(other.Port1)).Should().Throw<IpcSerializationException>();
    }

    [Fact]
    public async Task MessagePort_TransferredThroughLocalPair_IsUnusableAtSenderAndLiveAtReceiver()
    {
        var carrier = new MessageChannelMain();
        var payload = new MessageChannelMain();
        var carried = new PortProbe(carrier.Port2);
        carrier.Port2.Start();

        carrier.Port1.PostMessage("here you go", new[] { payload.Port1 });
        await carried.WaitForCount(1);
        MessagePortMain received = carried.Received[0].Ports.Should().ContainSingle().Subject;

        payload.Port1.Invoking(p => p.PostMessage("x")).Should().Throw<InvalidOperationException>();
        payload.Port1.Invoking(p => p.Start()).Should().Throw<InvalidOperationException>();
        payload.Port1.Invoking(p => p.Close()).Should().Throw<InvalidOperationException>();
        carrier.Port1.Invoking(p => p.PostMessage("again", new[] { payload.Port1 })).Should().Throw<InvalidOperationException>();

        var probe = new PortProbe(payload.Port2);
        payload.Port2.Start();
        received.PostMessage("from the new holder");
        await probe.WaitForCount(1);
        probe.Received[0].GetData<string>().Should().Be("from the new holder");
    }

    [Fact]
    public async Task MessagePort_ValuesAreCopies()
    {
        var channel = new MessageChannelMain();
        var probe = new PortProbe(channel.Port2);
        channel.Port2.Start();
        var sent = new Box { Value = 1 };

        channel.Port1.PostMessage(sent);
        await probe.WaitForCount(1);
        Box first = probe.Received[0].GetData<Box>();
        first.Value = 99;

        sent.Value.Should().Be(1);
        probe.Received[0].GetData<Box>().Value.Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MessagePort_HandlerThatThrows_DoesNotStopLaterMessages(TransportKind transport)
    {
        await using Bridge bridge = Bridge.Create(transport);
        RemotePortPair pair = await RemotePortPair.CreateAsync(bridge);
        var seen = new Core.Recorder<int>();
        pair.Remote.Message += (_, e) =>
        {
            if (e.GetData<int>() == 0)
            {
                throw new InvalidOperationException("boom");
            }
        };
        pair.Remote.Message += (_, e) => seen.Add(e.GetData<int>());
        pair.Remote.Start();

        pair.Local.PostMessage(0);
        pair.Local.PostMessage(1);
        await seen.WaitForCount(2);

        // The handler after the one that threw still saw the message it threw on, and the next one.
        seen.Items.Should().Equal(0, 1);
    }

    public sealed class Box
    {
        public int Value { get; set; }
    }
}
