using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Ports;

/// <summary>
/// A port pair with one end held by main and the other by a renderer, so port semantics are exercised over the
/// bridge's transport rather than between two objects in one endpoint.
/// </summary>
internal sealed class RemotePortPair
{
    private const string BarrierChannel = "test:barrier";

    private RemotePortPair(TestRenderer renderer, MessagePortMain local, MessagePortMain remote)
    {
        this.Renderer = renderer;
        this.Local = local;
        this.Remote = remote;
    }

    public TestRenderer Renderer { get; }

    /// <summary>Gets the end held by main.</summary>
    public MessagePortMain Local { get; }

    /// <summary>Gets the end held by the renderer; neither started nor subscribed yet.</summary>
    public MessagePortMain Remote { get; }

    public static async Task<RemotePortPair> CreateAsync(Bridge bridge, QueueLimit? limit = null)
    {
        var arrived = Signal.Create<MessagePortMain>();
        bridge.IpcMain.Handle(BarrierChannel, (e, a) => 0);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
        {
            ipc.On("port", (e, _) => arrived.TrySetResult(e.Ports[0]));
            ipc.Handle(BarrierChannel, (e, a) => 0);
        });
        var channel = new MessageChannelMain(limit);
        renderer.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        MessagePortMain remote = await arrived.Task.WithTimeout("the port to reach the renderer");
        return new RemotePortPair(renderer, channel.Port2, remote);
    }

    /// <summary>
    /// A round trip each way on the link. Each endpoint dispatches a link's frames in order, so once it returns, every
    /// port frame sent before it has been dispatched at its receiver: a message is in its port's queue, a close applied.
    /// </summary>
    public async Task BarrierAsync()
    {
        await this.Renderer.WebContents.InvokeAsync<int>(BarrierChannel).WithTimeout("a round trip from main to the renderer");
        await this.Renderer.Ipc.InvokeAsync<int>(BarrierChannel).WithTimeout("a round trip from the renderer to main");
    }
}
