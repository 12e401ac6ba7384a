using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Ports;

/// <summary>A port handed back and forth between main and a renderer, its partner staying in main.</summary>
public class PortRoundTripTests
{
    [Theory]
    [InlineData(TransportKind.InProcess, 3)]
    [InlineData(TransportKind.InProcess, 4)]
    [InlineData(TransportKind.InProcess, 6)]
    [InlineData(TransportKind.Stream, 3)]
    [InlineData(TransportKind.Stream, 4)]
    [InlineData(TransportKind.Stream, 7)]
    public async Task PostMessage_PortMovedBetweenMainAndRendererManyTimes_PartnerMessagesStillArrive(TransportKind transport, int moves)
    {
        // Found by the port property test: from the second time a port came back to main, main refused the renderer's
        // fence for it (its partner lived in main, not behind the renderer), so the drain never ended and held every
        // later message of the partner for good.
        await using Bridge bridge = Bridge.Create(transport);
        TaskCompletionSource<MessagePortMain> arrived = Signal.Create<MessagePortMain>();
        TestRenderer renderer = await bridge.AddRendererAsync(null, (ipc, _) => ipc.On("take", (e, _) => arrived.TrySetResult(e.Ports[0])));
        bridge.IpcMain.On("port-back", (e, _) => arrived.TrySetResult(e.Ports[0]));
        var channel = new MessageChannelMain();
        channel.Port1.Start();
        MessagePortMain mover = channel.Port2;
        for (int i = 0; i < moves; i++)
        {
            arrived = Signal.Create<MessagePortMain>();
            if (i % 2 == 0)
            {
                renderer.WebContents.PostMessage("take", null, new[] { mover });
            }
            else
            {
                renderer.Ipc.PostMessage("port-back", null, new[] { mover });
            }

            mover = await arrived.Task.WithTimeout("the port to arrive");
        }

        var probe = new PortProbe(mover);
        mover.Start();
        for (int i = 0; i < 5; i++)
        {
            channel.Port1.PostMessage(i);
        }

        await probe.WaitForCount(5);
        probe.Received.Select(e => e.GetData<int>()).Should().Equal(0, 1, 2, 3, 4);
        channel.Port1.Close();
        await probe.Closed;
    }
}
