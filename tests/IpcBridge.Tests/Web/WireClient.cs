using System;
using System.Buffers;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.AspNetCore;
using IpcBridge.Protocol;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Web;

/// <summary>
/// A page's side of the wire written from docs/web.md with the library's own codec: a WebSocket that carries one frame
/// per binary message, and sendSync over HTTP. It checks the endpoint without a browser.
/// </summary>
internal sealed class WireClient : IAsyncDisposable
{
    private readonly ClientWebSocket socket;
    private readonly byte[] buffer = new byte[1 << 20];

    private WireClient(ClientWebSocket socket, string token, string baseUrl)
    {
        this.socket = socket;
        this.Token = token;
        this.BaseUrl = baseUrl;
    }

    public string Token { get; }

    public string BaseUrl { get; }

    public int EndpointId { get; private set; }

    public JsonElement Welcome { get; private set; }

    /// <summary>Gets how many frames this page wrote after its hello (what a sendSync's After header counts).</summary>
    public long Written { get; private set; }

    public WebSocket Socket => this.socket;

    /// <summary>Opens the socket (with <paramref name="origin"/> as a page of that origin would), without a handshake.</summary>
    public static async Task<WireClient> OpenAsync(TestWebApp web, string? token = null, string? origin = "self", string? query = null, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin == "self" ? web.Url : origin);
        }

        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(new Uri(web.SocketUrl + (query ?? string.Empty)), CancellationToken.None).WaitAsync(Signal.Timeout);
        return new WireClient(socket, token ?? web.Tokens.Issue(), web.Url);
    }

    /// <summary>Opens the socket, says hello with a fresh token, reads the welcome and says ready.</summary>
    public static async Task<WireClient> ConnectAsync(TestWebApp web, string? query = null)
    {
        WireClient client = await OpenAsync(web, query: query);
        Frame answer = await client.HelloAsync();
        answer.Kind.Should().Be(Handshake.Welcome, Encoding.UTF8.GetString(answer.Payload.Span));
        client.Welcome = JsonDocument.Parse(answer.Payload).RootElement.Clone();
        client.EndpointId = client.Welcome.GetProperty("endpointId").GetInt32();
        int version = Handshake.ProtocolVersion;
        if (version >= 3)
        {
            await client.SendAsync(new Frame((FrameKind)18, 0, string.Empty, ReadOnlyMemory<byte>.Empty));
        }

        return client;
    }

    public async Task<Frame> HelloAsync(int? protocol = null, bool withToken = true)
    {
        string body = JsonSerializer.Serialize(new { protocol = protocol ?? Handshake.ProtocolVersion, token = withToken ? this.Token : null, processId = 0, peers = false });
        await this.SendRawAsync(Encode(new Frame(Handshake.Hello, 0, string.Empty, Encoding.UTF8.GetBytes(body))));
        return (await this.ReceiveAsync())!;
    }

    public static byte[] Encode(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return writer.WrittenSpan.ToArray();
    }

    public static Frame Args(FrameKind kind, long callId, string channel, params object?[] args)
        => new(kind, callId, channel, JsonSerializer.SerializeToUtf8Bytes(args));

    public async Task SendAsync(Frame frame)
    {
        await this.SendRawAsync(Encode(frame));
        if (frame.Kind != Handshake.Hello)
        {
            this.Written++;
        }
    }

    public Task SendRawAsync(byte[] message, WebSocketMessageType type = WebSocketMessageType.Binary)
        => this.socket.SendAsync(message, type, endOfMessage: true, CancellationToken.None).WaitAsync(Signal.Timeout);

    /// <summary>Receives one frame; null when main closed the socket.</summary>
    public async Task<Frame?> ReceiveAsync()
    {
        int count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await this.socket.ReceiveAsync(this.buffer.AsMemory(count), CancellationToken.None).AsTask().WaitAsync(Signal.Timeout);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
        }
        while (!result.EndOfMessage);

        return WebSocketTransport.Parse(this.buffer.AsSpan(0, count), int.MaxValue);
    }

    /// <summary>Receives until main closes the socket; returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync()
    {
        try
        {
            while (await this.ReceiveAsync() is not null)
            {
            }
        }
        catch (WebSocketException)
        {
            return null;
        }

        return this.socket.CloseStatus;
    }

    /// <summary>Posts a sendSync as the page's client does; returns the status and the body.</summary>
    public async Task<(int Status, string Body)> PostSyncAsync(Frame frame, long? after = null, string? token = null, int? endpointId = null, string? origin = "self", string? host = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, this.BaseUrl + "/ipc/sync") { Content = new ByteArrayContent(Encode(frame)) };
        request.Headers.Add(WebRendererEndpoint.EndpointHeader, (endpointId ?? this.EndpointId).ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebRendererEndpoint.TokenHeader, token ?? this.Token);
        request.Headers.Add(WebRendererEndpoint.AfterHeader, (after ?? this.Written).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin == "self" ? this.BaseUrl : origin);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using HttpResponseMessage response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Decodes a 200 sendSync answer: the base64 of one frame.</summary>
    public static Frame DecodeSyncAnswer(string body) => WebSocketTransport.Parse(Convert.FromBase64String(body), int.MaxValue);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (this.socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await this.socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already closed by main.
        }

        this.socket.Dispose();
    }
}
