using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Contracts;

/// <summary>Which side serves the contract and which side calls it.</summary>
public enum ContractDirection
{
    /// <summary>Main serves (<see cref="IpcMain.HandleContract{TApi}(TApi)"/>), the renderer calls (<see cref="IpcRenderer.GetContract{TApi}"/>).</summary>
    RendererCallsMain,

    /// <summary>The renderer serves (<see cref="IpcRenderer.HandleContract{TApi}(TApi)"/>), main calls (<see cref="WebContents.GetContract{TApi}"/>).</summary>
    MainCallsRenderer,
}

/// <summary>A bridge with <see cref="IFiles"/> served on one side and a client of it on the other.</summary>
public sealed class ContractLink : IAsyncDisposable
{
    private ContractLink(Bridge bridge, TestRenderer renderer, IFiles client, Files implementation)
    {
        this.Bridge = bridge;
        this.Renderer = renderer;
        this.Client = client;
        this.Implementation = implementation;
    }

    /// <summary>Gets theory data: every transport in both directions.</summary>
    public static IEnumerable<object[]> All
    {
        get
        {
            foreach (object[] transport in Transports.All)
            {
                yield return new object[] { transport[0], ContractDirection.RendererCallsMain };
                yield return new object[] { transport[0], ContractDirection.MainCallsRenderer };
            }
        }
    }

    public Bridge Bridge { get; }

    public TestRenderer Renderer { get; }

    public IFiles Client { get; }

    public Files Implementation { get; }

    public static async Task<ContractLink> ConnectAsync(TransportKind transport, ContractDirection direction, IpcBridgeOptions? options = null)
    {
        var bridge = Bridge.Create(transport, options);
        var implementation = new Files();
        if (direction == ContractDirection.RendererCallsMain)
        {
            bridge.IpcMain.HandleContract<IFiles>(implementation);
            TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IFiles>());
            return new ContractLink(bridge, renderer, renderer.Ipc.GetContract<IFiles>(), implementation);
        }
        else
        {
            TestRenderer renderer = await bridge.AddRendererAsync(
                ChannelAllowlist.DenyAll.AllowContract<IFiles>(IpcOperation.Handle),
                (ipc, _) => ipc.HandleContract<IFiles>(implementation));
            return new ContractLink(bridge, renderer, renderer.WebContents.GetContract<IFiles>(), implementation);
        }
    }

    public ValueTask DisposeAsync() => this.Bridge.DisposeAsync();
}
