using System;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Ports;
using IpcBridge.Protocol;
using IpcBridge.Transport;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Renderer;

/// <summary>
/// Everything that runs on a renderer's side of a link, whichever transport carries it: its dispatch loop,
/// <see cref="IpcRenderer"/>, ports, and the context bridge between preload and page code.
/// </summary>
internal sealed class RendererRuntime : IAsyncDisposable
{
    private readonly IFrameTransport transport;
    private readonly IpcBridgeOptions options;
    private readonly ILoggerFactory loggerFactory;
    private readonly FrameDispatcher dispatcher;
    private readonly TaskCompletionSource<DisconnectReason> disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int disposed;

    public RendererRuntime(IFrameTransport transport, IpcBridgeOptions options, ILoggerFactory loggerFactory)
    {
        this.transport = transport;
        this.options = options;
        this.loggerFactory = loggerFactory;
        this.dispatcher = new FrameDispatcher(isMain: false, loggerFactory.CreateLogger("IpcBridge.Renderer"), options.InboundQueueLimit);
        this.MainWorld = new MainWorld();
    }

    public MainWorld MainWorld { get; }

    public IpcRenderer IpcRenderer { get; private set; } = null!;

    /// <summary>Gets a task that completes, with the reason, when the link to main is gone.</summary>
    public Task<DisconnectReason> Disconnected => this.disconnected.Task;

    public void Start(RendererIdentity identity, Action<IpcRenderer, ContextBridge>? preload, bool peerLinks = false)
    {
        var serializer = new Serialization.PayloadSerializer(this.options.SerializerOptions);
        ILogger logger = this.loggerFactory.CreateLogger("IpcBridge.IpcRenderer");
        var ports = new PortRouter(serializer, this.loggerFactory.CreateLogger("IpcBridge.Ports"));
        this.IpcRenderer = new IpcRenderer(identity, this.options, ports, logger);
        this.IpcRenderer.Disconnected += (_, e) => this.disconnected.TrySetResult(e.Reason);
        var connection = new IpcConnection(this.transport, this.dispatcher, this.IpcRenderer, serializer, logger, this.options.MaxPendingCalls)
        {
            EndpointId = identity.EndpointId,
            FrameTrace = this.options.FrameTrace,
        };
        this.IpcRenderer.Connection = connection;
        if (peerLinks)
        {
            this.IpcRenderer.Peers = new PeerLinks(this.dispatcher, ports, serializer, this.options, logger);
        }

        connection.Start();
        preload?.Invoke(this.IpcRenderer, new ContextBridge(this.MainWorld, serializer));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref this.disposed, 1) != 0)
        {
            return;
        }

        this.transport.Close(new IpcDisconnectedException("The endpoint was disposed.", DisconnectReason.LocalClosed));
        this.dispatcher.Complete();
        if (FrameDispatcher.Current != this.dispatcher)
        {
            await this.dispatcher.Completion.ConfigureAwait(false);
        }

        await this.transport.Completion.ConfigureAwait(false);
    }
}
