using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace IpcBridge.Tests.Web;

/// <summary>
/// What a browser can do to a local web endpoint that it must not: a page of another site, a page without a valid
/// token, and a DNS-rebound name (Chromium resolves <see cref="ChromiumFixture.ReboundHost"/> to 127.0.0.1, as a
/// rebinding attacker's DNS would). Each is refused; the page sees its <c>connect()</c> reject; main attaches nothing.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public class SecurityBrowserTests
{
    private readonly ChromiumFixture chromium;

    public SecurityBrowserTests(ChromiumFixture chromium) => this.chromium = chromium;

    [BrowserFact]
    public async Task PageOfAnotherOrigin_ConnectingToTheEndpoint_Refused()
    {
        await using TestWebApp app = await TestWebApp.StartAsync();
        await using TestWebApp attacker = await TestWebApp.StartAsync();

        // The attacker's own token is valid on its own server only; the app refuses the foreign Origin before any token.
        string html = BrowserPage.Html(connectOptions: $"url: '{app.SocketUrl}',");
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, attacker.AddPage("evil", html), expectConnected: false);

        JsonElement error = await page.EvalAsync("window.connectError");
        error.ValueKind.Should().Be(JsonValueKind.Object, "connect() rejects");
        app.Main.GetAllWebContents().Should().BeEmpty();
        app.Logs.Entries.Should().Contain(e => e.EventId.Id == 101 && e.Message.Contains($"Origin '{attacker.Url}'", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task PageWithAWrongToken_Refused()
    {
        await using TestWebApp app = await TestWebApp.StartAsync();
        string html = BrowserPage.Html(connectOptions: "token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',");

        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, app.AddPage("p", html), expectConnected: false);

        JsonElement error = await page.EvalAsync("window.connectError");
        error.GetProperty("name").GetString().Should().Be("IpcBridge.IpcProtocolException");
        error.GetProperty("message").GetString().Should().Contain("page token");
        app.Main.GetAllWebContents().Should().BeEmpty();
    }

    [BrowserFact]
    public async Task PageWithoutAToken_Refused()
    {
        await using TestWebApp app = await TestWebApp.StartAsync(map: web => web.MapGet("/plain", () => Microsoft.AspNetCore.Http.Results.Content(BrowserPage.Html(), "text/html")));

        // Served without its link: no token meta tag, so the page has nothing to present.
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, app.Url + "/plain", expectConnected: false);

        JsonElement error = await page.EvalAsync("window.connectError");
        error.ValueKind.Should().Be(JsonValueKind.Object, "connect() rejects");
        app.Main.GetAllWebContents().Should().BeEmpty();
    }

    [BrowserFact]
    public async Task PageUnderADnsReboundName_RefusedByTheHostCheckEvenWithAValidToken()
    {
        await using TestWebApp app = await TestWebApp.StartAsync();
        app.AddPage("p", BrowserPage.Html());

        // The rebound page is served by the app itself (that is what rebinding achieves), token included.
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, $"http://{ChromiumFixture.ReboundHost}:{app.Port}/pages/p", expectConnected: false);

        JsonElement error = await page.EvalAsync("window.connectError");
        error.ValueKind.Should().Be(JsonValueKind.Object, "connect() rejects");
        app.Main.GetAllWebContents().Should().BeEmpty();
        app.Logs.Entries.Should().Contain(e => e.EventId.Id == 101 && e.Message.Contains($"Host '{ChromiumFixture.ReboundHost}'", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task PageOfTheAppItself_Accepted_AndItsTokenIsNeverLogged()
    {
        await using TestWebApp app = await TestWebApp.StartAsync();

        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, app.AddPage("p", BrowserPage.Html()));

        string token = (await page.EvalAsync("document.querySelector('meta[name=ipc-bridge-token]').content")).GetString()!;
        app.Main.GetAllWebContents().Should().ContainSingle();
        app.Logs.Entries.Should().Contain(e => e.EventId.Id == 103);
        app.Logs.Entries.Where(e => e.Message.Contains(token, StringComparison.Ordinal)).Should().BeEmpty();
    }
}
