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
        // Held until the preload has returned: nothing main sends may reach a listener, handler or port before then.
        this.dispatcher = new FrameDispatcher(isMain: false, loggerFactory.CreateLogger("IpcBridge.Renderer"), options.InboundQueueLimit, held: true);
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

        // Started before the preload, so that the preload can already send and call (answers bypass the held dispatcher).
        connection.Start();
        try
        {
            preload?.Invoke(this.IpcRenderer, new ContextBridge(this.MainWorld, serializer));
        }
        catch (Exception ex)
        {
            Diagnostics.Log.PreloadFailed(logger, ex);
            TrySendReady(connection, ex);
            throw;
        }

        // Ready goes out after everything the preload sent, then the frames main sent meanwhile run, in order. Should main
        // have gone (or given up waiting) during the preload, this throws: the endpoint never became one.
        connection.SendReady(null);
        this.dispatcher.Open();
    }

    /// <summary>Tells main the preload failed; a link that is already gone has no one left to tell.</summary>
    private static void TrySendReady(IpcConnection connection, Exception preloadFailure)
    {
        try
        {
            connection.SendReady(preloadFailure);
        }
        catch (IpcDisconnectedException)
        {
            // Main went away (or gave up waiting) during the preload; the preload's own exception is what the caller gets.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref this.disposed, 1) != 0)
        {
            return;
        }

        this.transport.Close(new IpcDisconnectedException("The endpoint was disposed.", DisconnectReason.LocalClosed));

        // An endpoint disposed before it was ready (its preload threw) runs none of the frames it held.
        this.dispatcher.Abandon();
        this.dispatcher.Complete();
        if (FrameDispatcher.Current != this.dispatcher)
        {
            await this.dispatcher.Completion.ConfigureAwait(false);
        }

        await this.transport.Completion.ConfigureAwait(false);
    }
}
