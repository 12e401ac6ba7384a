using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Tests.Infrastructure;

/// <summary>
/// A main process plus renderers on a chosen transport. Tests talk to it, never to a transport directly, so the
/// same test runs on every transport.
/// </summary>
public sealed class Bridge : IAsyncDisposable
{
    private readonly List<TestRenderer> renderers = new();

    private Bridge(TransportKind transport, MainProcess main)
    {
        this.Transport = transport;
        this.Main = main;
    }

    public TransportKind Transport { get; }

    public MainProcess Main { get; }

    public IpcMain IpcMain => this.Main.IpcMain;

    public static Bridge Create(TransportKind transport, IpcBridgeOptions? options = null, ILoggerFactory? loggerFactory = null)
        => new(transport, new MainProcess(options, loggerFactory));

    /// <summary>Adds a renderer; the preload runs before this returns.</summary>
    public async Task<TestRenderer> AddRendererAsync(ChannelAllowlist? allowlist = null, Action<IpcRenderer, ContextBridge>? preload = null, EndpointKind kind = EndpointKind.Window, string? name = null)
    {
        TestRenderer renderer;
        switch (this.Transport)
        {
            case TransportKind.InProcess:
            {
                IpcRenderer? ipc = null;
                var options = new RendererOptions
                {
                    Name = name,
                    Allowlist = allowlist ?? ChannelAllowlist.AllowAll(),
                    Preload = (i, b) =>
                    {
                        ipc = i;
                        preload?.Invoke(i, b);
                    },
                };
                RendererEndpoint endpoint = kind == EndpointKind.Work
                    ? await this.Main.CreateWorkAsync(options)
                    : await this.Main.CreateWindowAsync(options);
                renderer = new TestRenderer(endpoint.WebContents, ipc!, endpoint.MainWorld, endpoint.DisposeAsync);
                break;
            }

            default:
                throw new NotSupportedException($"Transport {this.Transport} is not wired into the test bridge yet.");
        }

        this.renderers.Add(renderer);
        return renderer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (TestRenderer renderer in this.renderers)
        {
            await renderer.DisposeAsync();
        }

        await this.Main.DisposeAsync();
    }
}
