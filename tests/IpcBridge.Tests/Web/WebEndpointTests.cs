using System;
using System.Collections.Concurrent;
using System.Linq;
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
/// The web endpoint on the wire, without a browser: a page written from docs/web.md with the library's codec talks to a
/// real Kestrel server. Handshake, security refusals, limits, sendSync over HTTP, and a page's end.
/// </summary>
public class WebEndpointTests
{
    private static async Task<WebContents> AttachedAsync(TestWebApp web, int id)
    {
        // Main attaches the page right after writing its welcome: wait (bounded) until it is registered.
        for (int i = 0; i < 1000; i++)
        {
            if (web.Main.FromId(id) is { } found)
            {
                return found;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"Endpoint {id} was never attached.");
    }

    private static Task<WebContents> DestroyedAsync(WebContents webContents)
    {
        TaskCompletionSource<WebContents> destroyed = Signal.Create<WebContents>();
        webContents.Destroyed += (_, _) => destroyed.TrySetResult(webContents);
        if (webContents.IsDestroyed)
        {
            destroyed.TrySetResult(webContents);
        }

        return destroyed.Task.WithTimeout("the page's WebContents to be destroyed");
    }

    [Fact]
    public async Task Handshake_PageWithIssuedToken_WelcomedWithNumericEnumsAndAttachedAsTheAcceptCallbackSays()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(o => o.Accept = context => new WebRendererOptions
        {
            Name = context.Request.Query["role"],
            Kind = EndpointKind.Work,
            Allowlist = ChannelAllowlist.DenyAll.AllowSend("hello").Allow(IpcOperation.Invoke | IpcOperation.Receive, "files:*"),
        });
        TaskCompletionSource<(WebContents Sender, string Text)> received = Signal.Create<(WebContents, string)>();
        web.IpcMain.On<string>("hello", (e, text) => received.TrySetResult((e.Sender, text)));

        await using WireClient page = await WireClient.ConnectAsync(web, "?role=left");

        JsonElement welcome = page.Welcome;
        welcome.GetProperty("protocol").GetInt32().Should().Be(Handshake.ProtocolVersion);
        welcome.GetProperty("kind").ValueKind.Should().Be(JsonValueKind.Number);
        welcome.GetProperty("kind").GetInt32().Should().Be(2);
        welcome.GetProperty("allowAll").GetBoolean().Should().BeFalse();
        welcome.GetProperty("rules").EnumerateArray().Select(r => (r.GetProperty("operations").GetInt32(), r.GetProperty("pattern").GetString()))
            .Should().BeEquivalentTo(new[] { (1, "hello"), (12, "files:*") });
        WebContents attached = await AttachedAsync(web, page.EndpointId);
        attached.Name.Should().Be("left");
        attached.Kind.Should().Be(EndpointKind.Work);

        await page.SendAsync(WireClient.Args(FrameKind.Send, 0, "hello", "from the page"));
        (WebContents sender, string text) = await received.Task.WithTimeout();
        sender.Should().BeSameAs(attached);
        text.Should().Be("from the page");
        web.Logs.Entries.Should().NotContain(e => e.Message.Contains(page.Token, StringComparison.Ordinal), "a page token is never logged");
    }

    [Fact]
    public async Task Handshake_TokenUsedTwice_SecondConnectionRefused()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        await using WireClient first = await WireClient.ConnectAsync(web);

        await using WireClient second = await WireClient.OpenAsync(web, first.Token);
        Frame answer = await second.HelloAsync();

        answer.Kind.Should().Be(Handshake.Refused);
        Encoding.UTF8.GetString(answer.Payload.Span).Should().Contain("used");
    }

    [Fact]
    public async Task Handshake_WrongToken_RefusedClosedWithPolicyViolationAndLoggedWithoutTheToken()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        const string guess = "not-a-token-main-issued-0123456789abcdefghij";
        await using WireClient page = await WireClient.OpenAsync(web, guess);

        Frame answer = await page.HelloAsync();

        answer.Kind.Should().Be(Handshake.Refused);
        string why = Encoding.UTF8.GetString(answer.Payload.Span);
        why.Should().Contain("page token").And.NotContain(guess);
        (await page.ReceiveCloseAsync()).Should().Be(WebSocketCloseStatus.PolicyViolation);
        web.Logs.Entries.Should().Contain(e => e.EventId.Id == 101 && e.Message.Contains("page token", StringComparison.Ordinal));
        web.Logs.Entries.Should().NotContain(e => e.Message.Contains(guess, StringComparison.Ordinal));
        web.Main.GetAllWebContents().Should().BeEmpty();
    }

    [Fact]
    public async Task Handshake_NoToken_Refused()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        await using WireClient page = await WireClient.OpenAsync(web);

        Frame answer = await page.HelloAsync(withToken: false);

        answer.Kind.Should().Be(Handshake.Refused);
        Encoding.UTF8.GetString(answer.Payload.Span).Should().Contain("no page token");
        web.Main.GetAllWebContents().Should().BeEmpty();
    }

    [Fact]
    public async Task Handshake_OtherProtocolVersion_RefusedNamingBoth()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        await using WireClient page = await WireClient.OpenAsync(web);

        Frame answer = await page.HelloAsync(protocol: 99);

        answer.Kind.Should().Be(Handshake.Refused);
        Encoding.UTF8.GetString(answer.Payload.Span).Should().Contain("version 99").And.Contain($"version {Handshake.ProtocolVersion}");
    }

    [Fact]
    public async Task Origin_OfAnotherSite_RefusedBeforeTheUpgrade()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();

        Func<Task> connecting = () => WireClient.OpenAsync(web, origin: "http://evil.example");

        await connecting.Should().ThrowAsync<WebSocketException>();
        web.Logs.Entries.Should().Contain(e => e.EventId.Id == 101 && e.Message.Contains("Origin 'http://evil.example'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Origin_Missing_AcceptedOnlyWithAValidToken()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();

        await using WireClient withToken = await WireClient.OpenAsync(web, origin: null);
        (await withToken.HelloAsync()).Kind.Should().Be(Handshake.Welcome);

        await using WireClient withoutToken = await WireClient.OpenAsync(web, token: "guessed", origin: null);
        (await withoutToken.HelloAsync()).Kind.Should().Be(Handshake.Refused);
    }

    [Fact]
    public async Task Origin_ConfiguredList_MatchedExactly()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(o =>
        {
            o.AllowedOrigins.Add("http://app.example:8080");
            o.Accept = _ => new WebRendererOptions();
        });

        await using WireClient listed = await WireClient.OpenAsync(web, origin: "http://app.example:8080");
        (await listed.HelloAsync()).Kind.Should().Be(Handshake.Welcome);

        foreach (string near in new[] { "self", "http://app.example", "http://app.example:8080.evil.example", "https://app.example:8080", "null" })
        {
            Func<Task> connecting = () => WireClient.OpenAsync(web, origin: near);
            await connecting.Should().ThrowAsync<WebSocketException>(near);
        }
    }

    [Fact]
    public async Task Host_NotANameTheAppServes_RefusedOnTheSocketAndTheSyncRoute()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        string rebound = $"rebound.example:{web.Port}";

        Func<Task> connecting = () => WireClient.OpenAsync(web, origin: $"http://{rebound}", configure: o => o.SetRequestHeader("Host", rebound));
        await connecting.Should().ThrowAsync<WebSocketException>();
        web.Logs.Entries.Should().Contain(e => e.EventId.Id == 101 && e.Message.Contains("Host 'rebound.example'", StringComparison.Ordinal));

        await using WireClient page = await WireClient.ConnectAsync(web);
        (int status, _) = await page.PostSyncAsync(WireClient.Args(FrameKind.SendSync, 1, "sync"), origin: null, host: rebound);
        status.Should().Be(403);
    }

    [Fact]
    public async Task Accept_ReturnsNull_PageRefused()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(o => o.Accept = context => context.Request.Query["role"] == "admin" ? null : new WebRendererOptions());

        Func<Task> connecting = () => WireClient.OpenAsync(web, query: "?role=admin");

        await connecting.Should().ThrowAsync<WebSocketException>();
        web.Logs.Entries.Should().Contain(e => e.EventId.Id == 101 && e.Message.Contains("Accept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accept_NotSet_PageMayUseNoChannel()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(o => { });
        TaskCompletionSource<AccessDeniedEventArgs> denied = Signal.Create<AccessDeniedEventArgs>();
        web.Main.AccessDenied += (_, e) => denied.TrySetResult(e);

        await using WireClient page = await WireClient.ConnectAsync(web);
        page.Welcome.GetProperty("allowAll").GetBoolean().Should().BeFalse();
        page.Welcome.GetProperty("rules").GetArrayLength().Should().Be(0);
        await page.SendAsync(WireClient.Args(FrameKind.Invoke, 1, "anything"));

        Frame? answer = await page.ReceiveAsync();
        answer!.Kind.Should().Be(FrameKind.Error);
        JsonDocument.Parse(answer.Payload).RootElement.GetProperty("code").GetInt32().Should().Be(2);
        (await denied.Task.WithTimeout()).Channel.Should().Be("anything");
    }

    [Fact]
    public async Task Message_OverMaxFrameSize_ClosesThatSocketWith1009AndOtherPagesGoOn()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(ipc: o => o.MaxFrameSize = 1024);
        web.IpcMain.Handle<string, string>("echo", (_, text) => text);
        await using WireClient bystander = await WireClient.ConnectAsync(web);
        await using WireClient page = await WireClient.ConnectAsync(web);
        Task<WebContents> destroyed = DestroyedAsync(await AttachedAsync(web, page.EndpointId));

        await page.SendAsync(WireClient.Args(FrameKind.Send, 0, "big", new string('x', 2000)));

        (await page.ReceiveCloseAsync()).Should().Be(WebSocketCloseStatus.MessageTooBig);
        await destroyed;
        await bystander.SendAsync(WireClient.Args(FrameKind.Invoke, 1, "echo", "still here"));
        Frame? answer = await bystander.ReceiveAsync();
        answer!.Kind.Should().Be(FrameKind.Result);
        JsonSerializer.Deserialize<string>(answer.Payload.Span).Should().Be("still here");
    }

    [Theory]
    [InlineData("length")]
    [InlineData("two frames")]
    [InlineData("text")]
    [InlineData("kind")]
    public async Task Message_Malformed_ClosesThatSocketWithProtocolErrorLoggedAndOtherPagesGoOn(string malformation)
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        web.IpcMain.Handle<string, string>("echo", (_, text) => text);
        await using WireClient bystander = await WireClient.ConnectAsync(web);
        await using WireClient page = await WireClient.ConnectAsync(web);
        Task<WebContents> destroyed = DestroyedAsync(await AttachedAsync(web, page.EndpointId));
        byte[] frame = WireClient.Encode(WireClient.Args(FrameKind.Send, 0, "x", 1));

        switch (malformation)
        {
            case "length":
                frame[0]++;
                await page.SendRawAsync(frame);
                break;
            case "two frames":
                await page.SendRawAsync(frame.Concat(frame).ToArray());
                break;
            case "text":
                await page.SendRawAsync(Encoding.UTF8.GetBytes("{\"channel\":\"x\"}"), WebSocketMessageType.Text);
                break;
            default:
                frame[4] = 0x3f;
                await page.SendRawAsync(frame);
                break;
        }

        (await page.ReceiveCloseAsync()).Should().Be(WebSocketCloseStatus.ProtocolError);
        await destroyed;
        web.Logs.Entries.Should().Contain(e => e.EventId.Id == 3, "a malformed frame is logged");
        await bystander.SendAsync(WireClient.Args(FrameKind.Invoke, 1, "echo", "still here"));
        (await bystander.ReceiveAsync())!.Kind.Should().Be(FrameKind.Result);
    }

    [Fact]
    public async Task SendSync_AnswerIsTheBase64OfTheResultFrame_DispatchedAfterTheFramesTheRequestCounted()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        var seen = new ConcurrentQueue<string>();
        web.IpcMain.On<string>("log", (_, text) => seen.Enqueue(text));
        web.IpcMain.On<string>("sync", (e, text) =>
        {
            e.IsSync.Should().BeTrue();
            e.ReturnValue = $"{text} after {string.Join(",", seen)}";
        });
        await using WireClient page = await WireClient.ConnectAsync(web);

        await page.SendAsync(WireClient.Args(FrameKind.Send, 0, "log", "a"));
        await page.SendAsync(WireClient.Args(FrameKind.Send, 0, "log", "b"));
        (int status, string body) = await page.PostSyncAsync(WireClient.Args(FrameKind.SendSync, 7, "sync", "sync"));

        status.Should().Be(200, body);
        Frame answer = WireClient.DecodeSyncAnswer(body);
        answer.Kind.Should().Be(FrameKind.Result);
        answer.CallId.Should().Be(7);
        JsonSerializer.Deserialize<string>(answer.Payload.Span).Should().Be("sync after a,b");
    }

    [Fact]
    public async Task SendSync_ArrivingBeforeTheFramesItCounted_WaitsForThem()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        var seen = new ConcurrentQueue<string>();
        web.IpcMain.On<string>("log", (_, text) => seen.Enqueue(text));
        web.IpcMain.On<string>("sync", (e, _) => e.ReturnValue = string.Join(",", seen));
        await using WireClient page = await WireClient.ConnectAsync(web);

        Task<(int Status, string Body)> syncing = page.PostSyncAsync(WireClient.Args(FrameKind.SendSync, 1, "sync"), after: page.Written + 2);
        await Task.Delay(200);
        syncing.IsCompleted.Should().BeFalse("the sync call waits for the two frames it counted");
        await page.SendAsync(WireClient.Args(FrameKind.Send, 0, "log", "a"));
        await page.SendAsync(WireClient.Args(FrameKind.Send, 0, "log", "b"));

        (int status, string body) = await syncing.WithTimeout();
        status.Should().Be(200, body);
        JsonSerializer.Deserialize<string>(WireClient.DecodeSyncAnswer(body).Payload.Span).Should().Be("a,b");
    }

    [Fact]
    public async Task SendSync_ListenerThrows_AnswerIsAnErrorFrameWithTheTypeName()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        web.IpcMain.On<string>("sync", (_, _) => throw new InvalidOperationException("nope"));
        await using WireClient page = await WireClient.ConnectAsync(web);

        (int status, string body) = await page.PostSyncAsync(WireClient.Args(FrameKind.SendSync, 1, "sync", "x"));

        status.Should().Be(200, body);
        Frame answer = WireClient.DecodeSyncAnswer(body);
        answer.Kind.Should().Be(FrameKind.Error);
        JsonElement error = JsonDocument.Parse(answer.Payload).RootElement;
        error.GetProperty("type").GetString().Should().Be("System.InvalidOperationException");
        error.GetProperty("message").GetString().Should().Be("nope");
    }

    [Fact]
    public async Task SendSync_WrongTokenEndpointOrOrigin_Refused403()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        int calls = 0;
        web.IpcMain.On<string>("sync", (e, _) =>
        {
            Interlocked.Increment(ref calls);
            e.ReturnValue = "ok";
        });
        await using WireClient page = await WireClient.ConnectAsync(web);
        await using WireClient other = await WireClient.ConnectAsync(web);
        Frame sync = WireClient.Args(FrameKind.SendSync, 1, "sync");

        (await page.PostSyncAsync(sync, token: "guessed")).Status.Should().Be(403);
        (await page.PostSyncAsync(sync, token: other.Token)).Status.Should().Be(403, "a token authenticates only its own page");
        (await page.PostSyncAsync(sync, endpointId: 9999)).Status.Should().Be(403);
        (await page.PostSyncAsync(sync, origin: "http://evil.example")).Status.Should().Be(403);
        web.Logs.Entries.Should().Contain(e => e.EventId.Id == 102);
        web.Logs.Entries.Should().NotContain(e => e.Message.Contains(page.Token, StringComparison.Ordinal) || e.Message.Contains(other.Token, StringComparison.Ordinal));

        (int status, string body) = await page.PostSyncAsync(sync);
        status.Should().Be(200, body);
        calls.Should().Be(1);
    }

    [Fact]
    public async Task SendSync_NoAnswerWithinSendSyncTimeout_504NamingTheChannel()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(ipc: o => o.SendSyncTimeout = TimeSpan.FromMilliseconds(300));
        TaskCompletionSource<bool> release = Signal.Create<bool>();
        web.IpcMain.On<string>("slow", (e, _) =>
        {
            release.Task.Wait(Signal.Timeout);
            e.ReturnValue = "late";
        });
        await using WireClient page = await WireClient.ConnectAsync(web);

        try
        {
            (int status, string body) = await page.PostSyncAsync(WireClient.Args(FrameKind.SendSync, 1, "slow"));

            status.Should().Be(504);
            body.Should().Contain("'slow'").And.Contain("SendSyncTimeout");
        }
        finally
        {
            release.TrySetResult(true);
        }

        // The late answer is dropped, not written to the socket: the next frame the page gets answers its next call.
        web.IpcMain.Handle<string, string>("echo", (_, text) => text);
        await page.SendAsync(WireClient.Args(FrameKind.Invoke, 2, "echo", "next"));
        Frame? next = await page.ReceiveAsync();
        next!.CallId.Should().Be(2);
    }

    [Fact]
    public async Task SendSync_CountBehindWhatTheSocketDelivered_ProtocolViolationClosesTheSocket()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        web.IpcMain.On<string>("sync", (e, _) => e.ReturnValue = "ok");
        await using WireClient page = await WireClient.ConnectAsync(web);
        await page.SendAsync(WireClient.Args(FrameKind.Send, 0, "log", "a"));
        await AttachedAsync(web, page.EndpointId);

        // Wait (bounded) until the frame above was delivered, so the count below is surely behind.
        (int status, _) = await page.PostSyncAsync(WireClient.Args(FrameKind.SendSync, 1, "sync"));
        status.Should().Be(200);
        (int behind, string body) = await page.PostSyncAsync(WireClient.Args(FrameKind.SendSync, 2, "sync"), after: 0);

        behind.Should().Be(400);
        body.Should().Contain("already arrived");
        (await page.ReceiveCloseAsync()).Should().Be(WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public async Task SendSync_NotASyncFrame_400AndTheSocketClosed()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        await using WireClient page = await WireClient.ConnectAsync(web);

        (int status, _) = await page.PostSyncAsync(WireClient.Args(FrameKind.Invoke, 1, "x"));

        status.Should().Be(400);
        (await page.ReceiveCloseAsync()).Should().Be(WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public async Task InvokeFromMain_PageNeverAnswers_TimeLimitWritesCancel()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        await using WireClient page = await WireClient.ConnectAsync(web);
        WebContents attached = await AttachedAsync(web, page.EndpointId);

        Task<string> invoking = attached.InvokeAsync<string>("ask", ["question"], TimeSpan.FromMilliseconds(300));

        Frame? invoke = await page.ReceiveAsync();
        invoke!.Kind.Should().Be(FrameKind.Invoke);
        invoke.Channel.Should().Be("ask");
        await invoking.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcTimeoutException>().WithMessage("*ask*");
        Frame? cancel = await page.ReceiveAsync();
        cancel!.Kind.Should().Be(FrameKind.Cancel);
        cancel.CallId.Should().Be(invoke.CallId);
    }

    [Fact]
    public async Task PageClosed_DestroysItsWebContentsAndFailsMainsPendingInvoke()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        WireClient page = await WireClient.ConnectAsync(web);
        WebContents attached = await AttachedAsync(web, page.EndpointId);
        Task<WebContents> destroyed = DestroyedAsync(attached);
        Task<string> invoking = attached.InvokeAsync<string>("ask", ["question"], TimeSpan.FromSeconds(30));
        (await page.ReceiveAsync())!.Kind.Should().Be(FrameKind.Invoke);

        await page.DisposeAsync();

        await destroyed;
        await invoking.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcDisconnectedException>();
        web.Main.FromId(page.EndpointId).Should().BeNull();
    }

    [Fact]
    public async Task AppStopping_ClosesEveryPageWithGoingAway_SoTheStopDoesNotWaitForThem()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        WireClient page = await WireClient.ConnectAsync(web);
        WebContents attached = await AttachedAsync(web, page.EndpointId);
        Task<WebContents> destroyed = DestroyedAsync(attached);
        Task<string> invoking = attached.InvokeAsync<string>("ask", ["question"], TimeSpan.FromMinutes(5));
        (await page.ReceiveAsync())!.Kind.Should().Be(FrameKind.Invoke);

        // The host's graceful stop would otherwise wait its whole shutdown timeout (30 s) for the open socket.
        await web.StopAsync().WithTimeout("the app to stop with a page connected");

        (await page.ReceiveCloseAsync()).Should().Be(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable);
        await destroyed;
        await invoking.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcDisconnectedException>();
    }

    [Fact]
    public async Task ClientModule_ServedFromThePackage_SameBytesAsTheSource()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        using var http = new System.Net.Http.HttpClient();

        foreach ((string name, string type) in new[] { ("ipc-renderer.js", "text/javascript"), ("ipc-renderer.d.ts", "text/plain") })
        {
            using System.Net.Http.HttpResponseMessage response = await http.GetAsync($"{web.Url}/ipc/{name}");
            response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, name);
            response.Content.Headers.ContentType!.MediaType.Should().Be(type);
            byte[] served = await response.Content.ReadAsByteArrayAsync();
            served.Should().Equal(await System.IO.File.ReadAllBytesAsync(WebPaths.Source("src/IpcBridge.AspNetCore/wwwroot/" + name)));
        }
    }

    [Fact]
    public async Task Page_ServedWithItsLink_CarriesAFreshTokenEachLoadAndNoStore()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        string url = web.AddPage("p", "<!doctype html><html><head><title>t</title></head><body></body></html>");
        using var http = new System.Net.Http.HttpClient();

        using System.Net.Http.HttpResponseMessage first = await http.GetAsync(url);
        string html = await first.Content.ReadAsStringAsync();
        string second = await http.GetStringAsync(url);

        first.Headers.CacheControl!.NoStore.Should().BeTrue();
        html.Should().StartWith("<!doctype html><html><head><meta name=\"ipc-bridge-endpoint\" content=\"/ipc\"><meta name=\"ipc-bridge-token\" content=\"");
        string token = html.Split("ipc-bridge-token\" content=\"")[1].Split('"')[0];
        token.Should().HaveLength(43).And.MatchRegex("^[A-Za-z0-9_-]+$");
        second.Should().NotContain(token);
    }
}
