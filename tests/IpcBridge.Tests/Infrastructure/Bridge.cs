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

    private readonly IpcBridgeOptions? options;
    private readonly ILoggerFactory? loggerFactory;

    private Bridge(TransportKind transport, MainProcess main, IpcBridgeOptions? options, ILoggerFactory? loggerFactory)
    {
        this.Transport = transport;
        this.Main = main;
        this.options = options;
        this.loggerFactory = loggerFactory;
    }

    public TransportKind Transport { get; }

    public MainProcess Main { get; }

    public IpcMain IpcMain => this.Main.IpcMain;

    public static Bridge Create(TransportKind transport, IpcBridgeOptions? options = null, ILoggerFactory? loggerFactory = null)
        => new(transport, new MainProcess(options, loggerFactory), options, loggerFactory);

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

            case TransportKind.Stream:
            {
                (System.IO.Stream mainEnd, System.IO.Stream rendererEnd) = await SocketPair.CreateAsync();
                IpcRenderer? ipc = null;
                Task<WebContents> attaching = this.Main.AttachAsync(mainEnd, new AttachOptions { Kind = kind, Allowlist = allowlist ?? ChannelAllowlist.AllowAll(), Name = name, LaunchToken = "test-token" });
                RendererProcess process = await RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions
                {
                    LaunchToken = "test-token",
                    Options = this.options ?? new IpcBridgeOptions(),
                    LoggerFactory = this.loggerFactory,
                    Preload = (i, b) =>
                    {
                        ipc = i;
                        preload?.Invoke(i, b);
                    },
                }).WaitAsync(Signal.Timeout);
                WebContents webContents = await attaching.WaitAsync(Signal.Timeout);
                renderer = new TestRenderer(webContents, ipc!, process.MainWorld, process.DisposeAsync);
                break;
            }

            default:
                throw new NotSupportedException($"Transport {this.Transport} is not wired into the test bridge.");
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
