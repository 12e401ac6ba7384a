using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Ports;
using IpcBridge.Protocol;
using IpcBridge.Renderer;
using IpcBridge.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpcBridge;

/// <summary>
/// A renderer or work endpoint running in its own OS process, connected to main. The child's one call to
/// <c>ConnectAsync(RendererProcessOptions, CancellationToken)</c> runs its preload (with <see cref="IpcRenderer"/> and
/// <see cref="ContextBridge"/>) and returns this, whose <see cref="MainWorld"/> is what page code uses.
/// </summary>
public sealed class RendererProcess : IAsyncDisposable
{
    /// <summary>The environment variable naming the socket or pipe a launched child connects to.</summary>
    public const string AddressVariable = "IPCBRIDGE_ADDRESS";

    /// <summary>The environment variable holding a launched child's one-time token.</summary>
    public const string TokenVariable = "IPCBRIDGE_TOKEN";

    private readonly RendererRuntime runtime;

    private RendererProcess(RendererRuntime runtime, WelcomeMessage welcome)
    {
        this.runtime = runtime;
        this.MainProcessId = welcome.MainProcessId;
    }

    /// <summary>Gets a value indicating whether this process was launched by an IpcBridge main (its environment names an address).</summary>
    public static bool IsLaunchedByMain => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AddressVariable));

    /// <summary>Gets what page code sees: the APIs preload exposed.</summary>
    public MainWorld MainWorld => this.runtime.MainWorld;

    /// <summary>Gets this endpoint's id, as main knows it.</summary>
    public int EndpointId => this.runtime.IpcRenderer.EndpointId;

    /// <summary>Gets this endpoint's kind, as main assigned it.</summary>
    public EndpointKind Kind => this.runtime.IpcRenderer.Kind;

    /// <summary>Gets the OS process id of main.</summary>
    public int MainProcessId { get; }

    /// <summary>Gets a task that completes, with the reason, when the link to main is gone.</summary>
    public Task<DisconnectReason> Disconnected => this.runtime.Disconnected;

    /// <summary>Connects over a stream the caller opened; main accepts it with <see cref="MainProcess.AttachAsync"/>.</summary>
    /// <param name="stream">The stream; owned by the link from now on.</param>
    /// <param name="options">Preload, settings and token.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The connected endpoint, after its preload has run and main was told it is ready.</returns>
    /// <remarks>
    /// No frame main sends reaches a listener, handler or port of this endpoint before the preload has returned: what
    /// arrives earlier waits, in order. If the preload throws, the exception is logged, main is told (its
    /// <c>AttachAsync</c> throws <see cref="IpcPreloadException"/> with the message), the link is closed, and the
    /// exception is rethrown here.
    /// </remarks>
    /// <exception cref="IpcProtocolException">Main refused the connection (wrong token or protocol version) or answered nonsense.</exception>
    /// <exception cref="IpcTimeoutException">The handshake took longer than <see cref="IpcBridgeOptions.HandshakeTimeout"/>.</exception>
    public static Task<RendererProcess> ConnectAsync(Stream stream, RendererProcessOptions options, CancellationToken cancellationToken = default)
        => ConnectCoreAsync(stream, options, options?.LaunchToken, exitWhenMainGone: false, cancellationToken);

#if NET8_0_OR_GREATER
    /// <summary>
    /// Connects a child that main launched (<c>MainProcess.LaunchAsync</c>): reads the address and one-time token
    /// from the environment, connects, runs the preload, and returns the endpoint.
    /// </summary>
    /// <param name="options">Preload and settings.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected endpoint, after its preload has run and main was told it is ready.</returns>
    /// <remarks>
    /// If the preload throws, the exception is logged, main is told (its <c>LaunchAsync</c> fails naming the endpoint
    /// and the message), the link is closed, and the exception is rethrown here: left unhandled, it ends the child with
    /// a non-zero exit code, which main reports through <see cref="MainProcess.ChildProcessGone"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">This process was not launched by an IpcBridge main.</exception>
    /// <exception cref="IpcProtocolException">Main refused the connection.</exception>
    public static async Task<RendererProcess> ConnectAsync(RendererProcessOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        string address = Environment.GetEnvironmentVariable(AddressVariable)
            ?? throw new InvalidOperationException($"This process was not launched by an IpcBridge main: {AddressVariable} is not set.");
        string? token = Environment.GetEnvironmentVariable(TokenVariable);
        Stream stream = await ChildAddress.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        return await ConnectCoreAsync(stream, options, token, options.ExitWhenMainGone, cancellationToken).ConfigureAwait(false);
    }
#endif

    /// <summary>Closes the link to main and stops this endpoint's dispatch loop. Idempotent.</summary>
    /// <returns>A task that completes when the link is released.</returns>
    public ValueTask DisposeAsync() => this.runtime.DisposeAsync();

    private static async Task<RendererProcess> ConnectCoreAsync(Stream stream, RendererProcessOptions options, string? token, bool exitWhenMainGone, CancellationToken cancellationToken)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        IpcBridgeOptions settings = (options.Options ?? new IpcBridgeOptions()).Snapshot();
        var framed = new FramedStream(stream, settings.MaxFrameSize);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.HandshakeTimeout);
        WelcomeMessage welcome;
        try
        {
            welcome = await Handshake.ConnectAsync(framed, token, CurrentProcess.Id, timeout.Token, peers: PeerLinks.Supported).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await framed.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new IpcTimeoutException("(handshake)", settings.HandshakeTimeout);
            }

            throw;
        }

        var runtime = new RendererRuntime(new StreamTransport(framed), settings, options.LoggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            runtime.Start(Handshake.ToIdentity(welcome, CurrentProcess.Id), options.Preload, peerLinks: PeerLinks.Supported);
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Only once the endpoint is ready: a failed preload must reach the caller (and end a launched child non-zero),
        // not race main's closing of the link into a clean exit.
        if (exitWhenMainGone)
        {
            _ = ExitWhenGoneAsync(runtime);
        }

        return new RendererProcess(runtime, welcome);
    }

    private static async Task ExitWhenGoneAsync(RendererRuntime runtime)
    {
        DisconnectReason reason = await runtime.Disconnected.ConfigureAwait(false);
        if (reason != DisconnectReason.LocalClosed)
        {
            // Main is gone (or closed us): a launched child has no one left to serve, and must not linger as an orphan.
            Environment.Exit(0);
        }
    }
}
