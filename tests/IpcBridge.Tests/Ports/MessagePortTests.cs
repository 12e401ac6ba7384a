using System;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Ports;

public class MessagePortTests
{
    [Fact]
    public async Task MessagePort_PostedBeforeStart_QueuedAndDeliveredInOrderAfterStart()
    {
        var channel = new MessageChannelMain();
        var probe = new PortProbe(channel.Port2);

        for (int i = 0; i < 5; i++)
        {
            channel.Port1.PostMessage(i);
        }

        // A later message proves the earlier ones were held, not lost: nothing is delivered before Start.
        probe.Received.Should().BeEmpty();
        channel.Port2.Start();
        await probe.WaitForCount(5);

        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1, 2, 3, 4);
    }

    [Fact]
    public async Task MessagePort_SubscribingToMessage_DoesNotStartIt()
    {
        var channel = new MessageChannelMain();
        var probe = new PortProbe(channel.Port2);
        channel.Port1.PostMessage("held");
        channel.Port1.Close();

        // Closed follows the queued message only once started; unstarted, the close is immediate and nothing was delivered.
        await probe.Closed;
        probe.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task MessagePort_Close_RaisesClosedOnBothSidesExactlyOnce()
    {
        var channel = new MessageChannelMain();
        var one = new PortProbe(channel.Port1);
        var two = new PortProbe(channel.Port2);
        channel.Port1.Start();
        channel.Port2.Start();

        channel.Port1.Close();
        channel.Port1.Close();
        channel.Port2.Close();
        await one.Closed;
        await two.Closed;

        one.ClosedCount.Should().Be(1);
        two.ClosedCount.Should().Be(1);
        channel.Port1.IsClosed.Should().BeTrue();
        channel.Port2.IsClosed.Should().BeTrue();
    }

    [Fact]
    public async Task MessagePort_PostAfterClose_IsNoOp()
    {
        var channel = new MessageChannelMain();
        var two = new PortProbe(channel.Port2);
        channel.Port2.Start();
        channel.Port1.Close();
        await two.Closed;

        channel.Port1.Invoking(p => p.PostMessage("late")).Should().NotThrow();
        channel.Port2.Invoking(p => p.PostMessage("late")).Should().NotThrow();
        two.Received.Should().BeEmpty();
    }

    [Fact]
    public void MessagePort_TransferThroughItselfOrPartnerOrTwice_ThrowsBeforeSending()
    {
        var channel = new MessageChannelMain();
        var other = new MessageChannelMain();

        channel.Port1.Invoking(p => p.PostMessage("x", new[] { channel.Port1 })).Should().Throw<ArgumentException>();
        channel.Port1.Invoking(p => p.PostMessage("x", new[] { channel.Port2 })).Should().Throw<ArgumentException>();
        channel.Port1.Invoking(p => p.PostMessage("x", new[] { other.Port1, other.Port1 })).Should().Throw<ArgumentException>();

        // Nothing was sent by the refused posts, and the ports named in them are still usable.
        other.Port1.Invoking(p => p.PostMessage("still mine")).Should().NotThrow();
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

    [Fact]
    public async Task MessagePort_HandlerThatThrows_DoesNotStopLaterMessages()
    {
        var channel = new MessageChannelMain();
        int seen = 0;
        channel.Port2.Message += (_, e) =>
        {
            if (e.GetData<int>() == 0)
            {
                throw new InvalidOperationException("boom");
            }
        };
        var probe = new PortProbe(channel.Port2);
        channel.Port2.Message += (_, _) => seen++;
        channel.Port2.Start();

        channel.Port1.PostMessage(0);
        channel.Port1.PostMessage(1);
        await probe.WaitForCount(2);

        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1);
    }

    public sealed class Box
    {
        public int Value { get; set; }
    }
}
