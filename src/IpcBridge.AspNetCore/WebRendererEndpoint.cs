using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Protocol;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpcBridge.AspNetCore;

/// <summary>
/// One mapped endpoint (<c>MapIpcBridge</c>): accepts each page's WebSocket as an endpoint of the app's
/// <see cref="MainProcess"/>, and serves the pages' <c>sendSync</c> requests. docs/web.md describes the contract.
/// </summary>
internal sealed class WebRendererEndpoint
{
    public const string EndpointHeader = "X-IpcBridge-Endpoint";
    public const string TokenHeader = "X-IpcBridge-Token";
    public const string AfterHeader = "X-IpcBridge-After";

    private readonly IServiceProvider services;
    private readonly IpcBridgeEndpointOptions options;
    private readonly RequestGate gate;
    private readonly ILogger logger;

    // The live pages of this endpoint, by endpoint id: what a sendSync request names.
    private readonly ConcurrentDictionary<int, PageLink> links = new();
    private MainProcess? main;
    private IpcBridgePageTokens? tokens;

    public WebRendererEndpoint(IServiceProvider services, IpcBridgeEndpointOptions options)
    {
        this.services = services;
        this.options = options;
        this.gate = new RequestGate(options, services.GetService<IServer>());
        this.logger = services.GetService<ILoggerFactory>()?.CreateLogger("IpcBridge.AspNetCore") ?? NullLogger.Instance;
    }

    /// <summary>Gets main, resolved on first use so that mapping the endpoint does not build it.</summary>
    private MainProcess Main => this.main ??= this.services.GetRequiredService<MainProcess>();

    private IpcBridgePageTokens Tokens => this.tokens ??= this.services.GetService<IpcBridgePageTokens>()
        ?? throw new InvalidOperationException("No IpcBridgePageTokens in the services: call services.AddIpcBridge().AddWebRenderers().");

    /// <summary>Serves a WebSocket request: checks, handshake, then the page's whole life as an endpoint.</summary>
    public async Task HandleSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RespondAsync(context, StatusCodes.Status400BadRequest, "This is an IpcBridge WebSocket endpoint: connect with a WebSocket (and call app.UseWebSockets()).").ConfigureAwait(false);
            return;
        }

        if (!this.gate.Admits(context, out string why))
        {
            await this.RefuseRequestAsync(context, why).ConfigureAwait(false);
            return;
        }

        WebRendererOptions? page = this.options.Accept is null ? new WebRendererOptions() : this.options.Accept(context);
        if (page is null)
        {
            await this.RefuseRequestAsync(context, "the app's Accept callback turned the page away").ConfigureAwait(false);
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var transport = new WebSocketTransport(socket, this.Main.Options.MaxFrameSize);
        WebContents? webContents = await this.AcceptPageAsync(context, transport, page).ConfigureAwait(false);

        // A page's socket stays open as long as the page does, and the server's graceful stop waits for open requests: the
        // links close when the app begins to stop (1001, "going away" for the page), so stopping does not wait out
        // the host's shutdown timeout.
        using CancellationTokenRegistration stopping = this.services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(
            static state => ((WebSocketTransport)state!).Close(new IpcDisconnectedException("The app is stopping.", DisconnectReason.MainDisposed)),
            transport) ?? default;
        try
        {
            // The request lives as long as the page's link: its end closes the socket.
            await transport.Completion.ConfigureAwait(false);
        }
        finally
        {
            if (webContents is not null)
            {
                this.links.TryRemove(webContents.Id, out _);
            }
        }
    }

    /// <summary>Serves a page's <c>sendSync</c>: one sync frame in, main's answer frame out (base64 text).</summary>
    public async Task HandleSyncAsync(HttpContext context)
    {
        if (!this.gate.Admits(context, out string why))
        {
            await this.RefuseSyncAsync(context, StatusCodes.Status403Forbidden, why).ConfigureAwait(false);
            return;
        }

        if (!int.TryParse(context.Request.Headers[EndpointHeader], NumberStyles.None, CultureInfo.InvariantCulture, out int endpointId)
            || !long.TryParse(context.Request.Headers[AfterHeader], NumberStyles.None, CultureInfo.InvariantCulture, out long after))
        {
            await this.RefuseSyncAsync(context, StatusCodes.Status400BadRequest, $"the {EndpointHeader} and {AfterHeader} headers must be numbers").ConfigureAwait(false);
            return;
        }

        if (!this.links.TryGetValue(endpointId, out PageLink? link) || !IpcBridgePageTokens.Equal(link.Token, context.Request.Headers[TokenHeader].ToString()))
        {
            // One answer for both: which endpoint ids are live is not for a caller without the token to learn.
            await this.RefuseSyncAsync(context, StatusCodes.Status403Forbidden, $"no live page {endpointId} with this token").ConfigureAwait(false);
            return;
        }

        byte[]? body = await this.ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        Frame frame;
        try
        {
            frame = WebSocketTransport.Parse(body, link.Transport.MaxFrameSize);
            if (frame.Kind != FrameKind.SendSync || frame.CallId == 0)
            {
                throw new IpcProtocolException($"a {frame.Kind} frame (call id {frame.CallId}) on the sendSync route");
            }
        }
        catch (IpcProtocolException ex)
        {
            link.Transport.Violation(ex);
            Log.SyncViolation(this.logger, endpointId, ex.Message);
            await RespondAsync(context, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
            return;
        }

        await this.AnswerSyncAsync(context, link, frame, after, endpointId).ConfigureAwait(false);
    }

    private static async Task RespondAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task AnswerSyncAsync(HttpContext context, PageLink link, Frame frame, long after, int endpointId)
    {
        TimeSpan timeout = this.Main.Options.SendSyncTimeout;
        try
        {
            Task<Frame> answering = link.Transport.DeliverSync(frame, after);
            Frame answer = await answering.WaitAsync(timeout, context.RequestAborted).ConfigureAwait(false);
            var writer = new ArrayBufferWriter<byte>();
            FrameCodec.Write(writer, answer);
            await RespondAsync(context, StatusCodes.Status200OK, Convert.ToBase64String(writer.WrittenSpan)).ConfigureAwait(false);
        }
        catch (IpcProtocolException ex)
        {
            Log.SyncViolation(this.logger, endpointId, ex.Message);
            await RespondAsync(context, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
        }
        catch (IpcDisconnectedException ex)
        {
            await RespondAsync(context, StatusCodes.Status410Gone, ex.Message).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            string message = $"No answer to sendSync on channel '{frame.Channel}' within {timeout.TotalSeconds:0.###} s (SendSyncTimeout).";
            await RespondAsync(context, StatusCodes.Status504GatewayTimeout, message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The page went away while it waited; its answer, when it comes, is dropped.
        }
    }

    /// <summary>Reads a sync request's body, at most one frame's worth; answers 413 and returns null beyond that.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        int limit = FrameCodec.LengthPrefixSize + this.Main.Options.MaxFrameSize;
        IHttpMaxRequestBodySizeFeature? size = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (size is { IsReadOnly: false })
        {
            size.MaxRequestBodySize = limit;
        }

        long? declared = context.Request.ContentLength;
        if (declared > limit)
        {
            await this.RefuseSyncAsync(context, StatusCodes.Status413PayloadTooLarge, $"a body of {declared} bytes (the limit is {limit})").ConfigureAwait(false);
            return null;
        }

        var body = new ArrayBufferWriter<byte>((int)(declared ?? 4096));
        try
        {
            while (true)
            {
                Memory<byte> into = body.GetMemory(4096);
                int read = await context.Request.Body.ReadAsync(into, context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    return body.WrittenSpan.ToArray();
                }

                body.Advance(read);
                if (body.WrittenCount > limit)
                {
                    await this.RefuseSyncAsync(context, StatusCodes.Status413PayloadTooLarge, $"a body over {limit} bytes").ConfigureAwait(false);
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            await this.RefuseSyncAsync(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// Runs the handshake on a page's socket, attaches it and waits for its Ready; refuses it (and returns null) when
    /// the handshake fails. Hello to Ready is bounded by <see cref="IpcBridgeOptions.HandshakeTimeout"/>.
    /// </summary>
    private async Task<WebContents?> AcceptPageAsync(HttpContext context, WebSocketTransport transport, WebRendererOptions page)
    {
        MainProcess main = this.Main;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(main.Options.HandshakeTimeout);
        HelloMessage? hello;
        try
        {
            Frame? frame = await transport.ReadHandshakeFrameAsync(timeout.Token).ConfigureAwait(false);
            hello = ReadHello(frame, out string? malformed);
            string? refusal = malformed ?? this.CheckHello(hello!);
            if (refusal is not null)
            {
                await this.RefuseHandshakeAsync(context, transport, refusal, timeout.Token).ConfigureAwait(false);
                return null;
            }

            // As for every endpoint: what the app's capabilities grant this name and kind, and what the callback adds.
            ChannelAllowlist allowlist = main.GetPolicy(page.Name, page.Kind, page.Allowlist).Allowlist;
            int id = main.NextEndpointId();
            WelcomeMessage welcome = Handshake.CreateWelcome(id, page.Kind, allowlist, CurrentProcess.Id);
            byte[] body = JsonSerializer.SerializeToUtf8Bytes(welcome, HandshakeJsonContext.Default.WelcomeMessage);
            await transport.WriteHandshakeFrameAsync(new Frame(Handshake.Welcome, 0, string.Empty, body), timeout.Token).ConfigureAwait(false);
            WebContents webContents = main.Attach(transport, id, page.Kind, allowlist, processId: 0, page.Name);

            // Registered before Ready: the page's preload may already call sendSync.
            this.links[id] = new PageLink(transport, hello!.Token!);
            try
            {
                await main.WaitUntilReadyAsync(webContents, timeout.Token, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IpcPreloadException or OperationCanceledException)
            {
                // The link is closed; the socket ends with it.
                Log.Refused(this.logger, context.Request.Path, $"the page's preload did not complete: {ex.Message}");
                return webContents;
            }

            Log.Attached(this.logger, id, page.Kind, page.Name, context.Request.Headers.Origin.ToString() is { Length: > 0 } origin ? origin : "(none)");
            return webContents;
        }
        catch (IpcProtocolException ex)
        {
            await this.RefuseHandshakeAsync(context, transport, ex.Message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.Refused(this.logger, context.Request.Path, context.RequestAborted.IsCancellationRequested ? "the page went away during the handshake" : "no hello within HandshakeTimeout");
            await transport.RefuseAsync("handshake timeout").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or System.IO.IOException)
        {
            Log.Refused(this.logger, context.Request.Path, $"the connection failed during the handshake: {ex.Message}");
        }

        return null;
    }

    private static HelloMessage? ReadHello(Frame? frame, out string? malformed)
    {
        malformed = null;
        if (frame is null || frame.Kind != Handshake.Hello)
        {
            malformed = frame is null ? "the socket closed before a hello" : $"a {frame.Kind} frame instead of a hello";
            return null;
        }

        try
        {
            HelloMessage? hello = JsonSerializer.Deserialize(frame.Payload.Span, HandshakeJsonContext.Default.HelloMessage);
            malformed = hello is null ? "a malformed hello" : null;
            return hello;
        }
        catch (JsonException)
        {
            malformed = "a malformed hello";
            return null;
        }
    }

    /// <summary>Checks the hello's version and token; the token is used up here, whatever follows.</summary>
    private string? CheckHello(HelloMessage hello)
    {
        if (hello.Protocol != Handshake.ProtocolVersion)
        {
            return $"protocol version {hello.Protocol}; this main speaks version {Handshake.ProtocolVersion}";
        }

        if (hello.Token is null)
        {
            return "no page token";
        }

        return this.Tokens.TryRedeem(hello.Token) ? null : "a page token that is wrong, used or expired";
    }

    private async Task RefuseHandshakeAsync(HttpContext context, WebSocketTransport transport, string why, CancellationToken cancellationToken)
    {
        Log.Refused(this.logger, context.Request.Path, why);
        try
        {
            await transport.WriteHandshakeFrameAsync(new Frame(Handshake.Refused, 0, string.Empty, Encoding.UTF8.GetBytes(why)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or System.IO.IOException)
        {
            // The page is gone; the refusal stands.
        }

        await transport.RefuseAsync(why).ConfigureAwait(false);
    }

    private async Task RefuseRequestAsync(HttpContext context, string why)
    {
        Log.Refused(this.logger, context.Request.Path, why);
        await RespondAsync(context, StatusCodes.Status403Forbidden, $"Refused: {why}.").ConfigureAwait(false);
    }

    private async Task RefuseSyncAsync(HttpContext context, int status, string why)
    {
        Log.SyncRefused(this.logger, context.Request.Path, why);
        await RespondAsync(context, status, $"Refused: {why}.").ConfigureAwait(false);
    }

    /// <summary>A live page: its link, and the token its hello presented (which authenticates its sendSync requests).</summary>
    private sealed record PageLink(WebSocketTransport Transport, string Token);
}
