using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Ports;
using IpcBridge.Protocol;
using IpcBridge.Renderer;
using IpcBridge.Serialization;
using IpcBridge.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpcBridge;

/// <summary>
/// The main process: owns <see cref="IpcMain"/>, creates renderer (<see cref="EndpointKind.Window"/>) and work
/// (<see cref="EndpointKind.Work"/>) endpoints, and keeps a <see cref="WebContents"/> for each live one.
/// </summary>
/// <remarks>
/// Thread-safe. Disposing it destroys every endpoint: their pending calls fail with
/// <see cref="IpcDisconnectedException"/> and each <see cref="WebContents.Destroyed"/> is raised.
/// </remarks>
public sealed partial class MainProcess : IAsyncDisposable, IIpcCapability
{
    private readonly ConcurrentDictionary<int, WebContents> endpoints = new();
    private readonly ConcurrentDictionary<int, RendererRuntime> localRenderers = new();

    // Every child process main launched whose process has not been seen to end, live link or not: DisposeAsync reaps
    // them all, including one whose link was closed (a protocol violation) while the process lingered.
    private readonly ConcurrentDictionary<int, WebContents> children = new();
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private int lastId;
    private int disposed;

    /// <summary>Creates a main process.</summary>
    /// <param name="options">Settings, or <see langword="null"/> for the defaults; copied, so later changes to them do not apply.</param>
    /// <param name="loggerFactory">Where diagnostics go, or <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MainProcess(IpcBridgeOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        this.Options = (options ?? new IpcBridgeOptions()).Snapshot();
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        this.logger = this.loggerFactory.CreateLogger("IpcBridge.MainProcess");
        this.Serializer = new PayloadSerializer(this.Options.SerializerOptions);
        this.Dispatcher = new FrameDispatcher(isMain: true, this.logger, this.Options.InboundQueueLimit);
        this.IpcMain = new IpcMain(this.Serializer, this.loggerFactory.CreateLogger("IpcBridge.IpcMain"));
        this.Ports = new PortRouter(this.Serializer, this.loggerFactory.CreateLogger("IpcBridge.Ports"));
        this.Broker = new PortBroker(this, this.logger);
        this.Ports.Broker = this.Broker;
    }

    /// <summary>Raised when an endpoint's frame was refused because it was outside its allowlist (on main's dispatch loop).</summary>
    public event EventHandler<AccessDeniedEventArgs>? AccessDenied;

    /// <summary>
    /// Raised once for every child process that main launched when it is gone (Electron's <c>app</c>
    /// <c>child-process-gone</c>): after the endpoint's own <see cref="WebContents.ProcessGone"/>, or with
    /// <see cref="ProcessGoneReason.LaunchFailed"/> and no <see cref="ProcessGoneEventArgs.WebContents"/> when a launch
    /// failed before the child connected. A handler's exception is logged.
    /// </summary>
    public event EventHandler<ProcessGoneEventArgs>? ChildProcessGone;

    /// <summary>Gets main's IPC listeners and handlers.</summary>
    public IpcMain IpcMain { get; }

    /// <summary>Gets the OS process id of main.</summary>
#pragma warning disable CA1822 // An instance property: main may one day be remote to its caller.
    public int ProcessId => CurrentProcess.Id;
#pragma warning restore CA1822

    internal IpcBridgeOptions Options { get; }

    internal PayloadSerializer Serializer { get; }

    internal FrameDispatcher Dispatcher { get; }

    internal PortRouter Ports { get; }

    internal PortBroker Broker { get; }

    /// <summary>Returns every live endpoint, ordered by id.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<WebContents> GetAllWebContents()
        => this.endpoints.Values.Where(w => !w.IsDestroyed).OrderBy(w => w.Id).ToArray();

    /// <summary>Finds a live endpoint by id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The endpoint, or <see langword="null"/>.</returns>
    public WebContents? FromId(int id) => this.endpoints.TryGetValue(id, out WebContents? w) && !w.IsDestroyed ? w : null;

    /// <summary>Creates a renderer (a visible window's endpoint) in this process.</summary>
    /// <param name="options">Preload, allowlist and name; the default denies every channel.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The endpoint, after its preload has run.</returns>
    /// <exception cref="ObjectDisposedException">Main is disposed.</exception>
    public Task<RendererEndpoint> CreateWindowAsync(RendererOptions? options = null, CancellationToken cancellationToken = default)
        => this.CreateAsync(EndpointKind.Window, options ?? new RendererOptions(), cancellationToken);

    /// <summary>Creates a hidden work endpoint in this process.</summary>
    /// <param name="options">Preload, allowlist and name; the default denies every channel.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The endpoint, after its preload has run.</returns>
    /// <exception cref="ObjectDisposedException">Main is disposed.</exception>
    public Task<RendererEndpoint> CreateWorkAsync(RendererOptions? options = null, CancellationToken cancellationToken = default)
        => this.CreateAsync(EndpointKind.Work, options ?? new RendererOptions(), cancellationToken);

    /// <summary>
    /// Sends a message to every live endpoint whose allowlist lets it receive on <paramref name="channel"/>, exactly once
    /// each. The arguments are serialized once.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>How many endpoints it was sent to.</returns>
    /// <exception cref="IpcSerializationException">An argument cannot be serialized; nothing was sent.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public int Broadcast(string channel, params object?[] args) => this.BroadcastCore(null, channel, args);

    /// <summary>Sends a message to every live endpoint of <paramref name="kind"/> that may receive on <paramref name="channel"/>.</summary>
    /// <param name="kind">The kind of endpoint to reach.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>How many endpoints it was sent to.</returns>
    /// <exception cref="IpcSerializationException">An argument cannot be serialized; nothing was sent.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public int Broadcast(EndpointKind kind, string channel, params object?[] args) => this.BroadcastCore(kind, channel, args);

    /// <summary>
    /// Accepts an endpoint on a duplex stream the caller opened (a pipe, a socket, a child's stdio): runs the handshake
    /// (protocol version, optional launch token), tells the endpoint its id, kind and allowlist, and returns main's handle
    /// to it. The endpoint side calls <see cref="RendererProcess.ConnectAsync(System.IO.Stream, RendererProcessOptions, CancellationToken)"/>.
    /// </summary>
    /// <param name="stream">The stream; owned by the link from now on.</param>
    /// <param name="options">Kind, allowlist, name and token.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The endpoint's <see cref="WebContents"/>, once the endpoint's preload has returned: it is ready for anything main sends.</returns>
    /// <exception cref="IpcPreloadException">The endpoint's preload threw (the message names the endpoint and gives the preload's exception message) or did not return within <see cref="IpcBridgeOptions.HandshakeTimeout"/>; the link is closed.</exception>
    /// <exception cref="IpcProtocolException">The endpoint's hello was malformed, of another protocol version, or had the wrong token (it was told why and the stream closed), or its connection failed during the handshake.</exception>
    /// <exception cref="IpcTimeoutException">The handshake took longer than <see cref="IpcBridgeOptions.HandshakeTimeout"/>.</exception>
    public async Task<WebContents> AttachAsync(System.IO.Stream stream, AttachOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        this.ThrowIfDisposed();
        options ??= new AttachOptions();
        IpcEndpointPolicy policy = this.Grant(options.Name, options.Kind, options.Allowlist);
        ChannelAllowlist allowlist = policy.Allowlist;
        var framed = new FramedStream(stream, this.Options.MaxFrameSize);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(this.Options.HandshakeTimeout);
        int id = Interlocked.Increment(ref this.lastId);
        HelloMessage hello;
        try
        {
            hello = await Handshake.AcceptAsync(
                framed,
                options.LaunchToken,
                _ => Handshake.CreateWelcome(id, options.Kind, allowlist, CurrentProcess.Id),
                timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await framed.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new IpcTimeoutException("(handshake)", this.Options.HandshakeTimeout);
            }

            if (ex is System.IO.IOException or ObjectDisposedException)
            {
                // The endpoint went away mid-handshake (say, closed its end before main's welcome): as for a hello that
                // never came, the caller gets the protocol failure it was promised, not the socket's error.
                var failed = new IpcProtocolException($"The endpoint's connection failed during the handshake: {ex.Message}", ex);
                Log.HandshakeRefused(this.logger, failed.Message);
                throw failed;
            }

            if (ex is IpcProtocolException protocol)
            {
                Log.HandshakeRefused(this.logger, protocol.Message);
            }

            throw;
        }

        WebContents attached = this.Granted(this.Attach(new StreamTransport(framed), id, options.Kind, allowlist, hello.ProcessId, options.Name), policy);
        attached.SupportsPeerLinks = hello.Peers;
        await this.WaitUntilReadyAsync(attached, timeout.Token, cancellationToken).ConfigureAwait(false);
        return attached;
    }

    /// <summary>Destroys every endpoint and stops main's dispatch loop. Idempotent.</summary>
    /// <returns>A task that completes when every endpoint is gone and every queued message was dispatched.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref this.disposed, 1) != 0)
        {
            return;
        }

        var reason = new IpcDisconnectedException("The main process was disposed.", DisconnectReason.MainDisposed);

        // Taken before the links close: closing removes endpoints from these tables on main's dispatch loop.
        RendererRuntime[] runtimes = this.localRenderers.Values.ToArray();
        var closed = new HashSet<WebContents>(this.children.Values);
        foreach (WebContents w in this.endpoints.Values)
        {
            w.Connection.Close(reason);
            closed.Add(w);
        }

        foreach (WebContents w in closed)
        {
            await w.ReapProcessAsync().ConfigureAwait(false);
        }

        foreach (RendererRuntime runtime in runtimes)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        this.Dispatcher.Complete();
        if (FrameDispatcher.Current != this.Dispatcher)
        {
            await this.Dispatcher.Completion.ConfigureAwait(false);
        }
    }

    /// <summary>Takes the next endpoint id, for a link that must tell the endpoint its id before it is attached (a handshake).</summary>
    internal int NextEndpointId() => Interlocked.Increment(ref this.lastId);

    /// <summary>Connects an endpoint whose frames travel over <paramref name="transport"/>.</summary>
    internal WebContents Attach(IFrameTransport transport, EndpointKind kind, ChannelAllowlist allowlist, int processId, string? name)
        => this.Attach(transport, Interlocked.Increment(ref this.lastId), kind, allowlist, processId, name);

    internal WebContents Attach(IFrameTransport transport, int id, EndpointKind kind, ChannelAllowlist allowlist, int processId, string? name)
    {
        this.ThrowIfDisposed();
        var webContents = new WebContents(this, id, kind, allowlist, processId, name, this.logger);
        webContents.Connection = new IpcConnection(transport, this.Dispatcher, webContents, this.Serializer, this.logger, this.Options.MaxPendingCalls)
        {
            EndpointId = id,
            FrameTrace = this.Options.FrameTrace,
        };
        this.endpoints[id] = webContents;
        Diagnostics.Telemetry.EndpointUp(kind);
        this.RaiseWebContentsCreated(webContents);
        webContents.Connection.Start();
        return webContents;
    }

    internal WebContents? FindByConnection(IpcConnection connection)
    {
        foreach (WebContents w in this.endpoints.Values)
        {
            if (w.Connection == connection)
            {
                return w;
            }
        }

        return null;
    }

    internal void OnEndpointGone(WebContents webContents)
    {
        if (this.endpoints.TryRemove(webContents.Id, out _))
        {
            Diagnostics.Telemetry.EndpointDown(webContents.Kind);
        }

        this.localRenderers.TryRemove(webContents.Id, out _);
    }

    internal void TrackChild(WebContents child) => this.children[child.Id] = child;

    /// <summary>Reports a child process that is gone: one that served <paramref name="args"/>' endpoint, or one whose launch failed.</summary>
    internal void OnChildProcessGone(ProcessGoneEventArgs args)
    {
        if (args.WebContents is not null)
        {
            this.children.TryRemove(args.WebContents.Id, out _);
        }

        try
        {
            this.ChildProcessGone?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            Log.EventHandlerFailed(this.logger, nameof(this.ChildProcessGone), ex);
        }
    }

    internal void RaiseAccessDenied(WebContents sender, IpcOperation operation, string channel)
    {
        try
        {
            this.AccessDenied?.Invoke(this, new AccessDeniedEventArgs(sender, operation, channel));
        }
        catch (Exception ex)
        {
            Log.EventHandlerFailed(this.logger, nameof(this.AccessDenied), ex);
        }
    }

    private async Task<RendererEndpoint> CreateAsync(EndpointKind kind, RendererOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        this.ThrowIfDisposed();
        (InProcessTransport mainSide, InProcessTransport rendererSide) = InProcessTransport.CreatePair();
        var runtime = new RendererRuntime(rendererSide, this.Options, this.loggerFactory);
        IpcEndpointPolicy policy = this.Grant(options.Name, kind, options.Allowlist);
        WebContents webContents = this.Granted(this.Attach(mainSide, kind, policy.Allowlist, CurrentProcess.Id, options.Name), policy);
        this.localRenderers[webContents.Id] = runtime;
        try
        {
            runtime.Start(new RendererIdentity(webContents.Id, kind, webContents.Allowlist, CurrentProcess.Id), options.Preload);
        }
        catch
        {
            // The preload's own exception is the clearest report in one process; the endpoint is gone with it.
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Already there in one process (the preload ran on this thread and the link delivers at once); awaited all the
        // same, so that every transport hands out an endpoint only through the same Ready.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(this.Options.HandshakeTimeout);
        await this.WaitUntilReadyAsync(webContents, limit.Token, cancellationToken).ConfigureAwait(false);
        return new RendererEndpoint(webContents, runtime);
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private int BroadcastCore(EndpointKind? kind, string channel, object?[] args)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        return this.BroadcastFrame(kind, new Frame(FrameKind.Send, 0, channel, this.Serializer.SerializeArgs(args)));
    }

    /// <summary>Writes one frame to every live endpoint (of <paramref name="kind"/>) that may receive on its channel.</summary>
    private int BroadcastFrame(EndpointKind? kind, Frame frame)
    {
        int sent = 0;

        // One payload for many links: no link's transport may reuse its arrays after writing it.
        Serialization.BinaryPayload.Of(frame.Payload)?.Share();

        // Enumerating the dictionary itself takes no lock and copies nothing (its Values property does both).
        foreach (System.Collections.Generic.KeyValuePair<int, WebContents> entry in this.endpoints)
        {
            WebContents w = entry.Value;
            if ((kind is null || w.Kind == kind) && w.TrySend(frame))
            {
                sent++;
            }
        }

        return sent;
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref this.disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(MainProcess));
        }
    }
}
