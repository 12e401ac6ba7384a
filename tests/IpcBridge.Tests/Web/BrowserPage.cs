using System;
using System.Text.Json;
using System.Threading.Tasks;
using PuppeteerSharp;

namespace IpcBridge.Tests.Web;

/// <summary>
/// A test page in Chromium: it imports the served <c>ipc-renderer.js</c>, connects (running <c>preload</c>, JavaScript
/// with <c>ipcRenderer</c> and <c>contextBridge</c> in scope), and exposes <c>window.ipcRenderer</c>,
/// <c>window.connection</c> and the module as <c>window.ipc</c> to the test's scripts.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    // Polled on a timer: Puppeteer's default polls on animation frames, which a tab in the background never gets.
    private static readonly WaitForFunctionOptions Polling = new() { PollingInterval = 25 };

    private BrowserPage(IPage page) => this.Page = page;

    public IPage Page { get; }

    /// <summary>The HTML of a test page.</summary>
    /// <param name="preload">JavaScript run in the preload, with <c>ipcRenderer</c> and <c>contextBridge</c> in scope.</param>
    /// <param name="connectOptions">Extra options of <c>connect</c>, as a JavaScript object literal's body.</param>
    public static string Html(string preload = "", string connectOptions = "") => $$"""
        <!doctype html>
        <html><head><meta charset="utf-8"><title>test page</title></head>
        <body>
        <script type="module">
          import * as ipc from "/ipc/ipc-renderer.js";
          window.ipc = ipc;
          window.log = [];
          try {
            window.connection = await ipc.connect({
              {{connectOptions}}
              preload: async (ipcRenderer, contextBridge) => {
                window.ipcRenderer = ipcRenderer;
                {{preload}}
              },
            });
            window.connected = true;
          } catch (e) {
            window.connectError = { name: e.name, message: e.message };
          }
        </script>
        </body></html>
        """;

    /// <summary>Opens <paramref name="url"/> in a new tab and waits until the page connected or failed to.</summary>
    public static async Task<BrowserPage> OpenAsync(ChromiumFixture chromium, string url, bool expectConnected = true)
    {
        IPage page = await chromium.Browser.NewPageAsync();
        var opened = new BrowserPage(page);
        page.DefaultTimeout = 30_000;
        await page.GoToAsync(url);
        await page.WaitForFunctionAsync("() => window.connected === true || window.connectError !== undefined", Polling);
        if (expectConnected)
        {
            JsonElement error = await opened.EvalAsync("window.connectError ?? null");
            error.ValueKind.Should().Be(JsonValueKind.Null, $"the page should connect, but: {error}");
        }

        return opened;
    }

    /// <summary>Evaluates a JavaScript expression (awaited if it is a promise) and returns its JSON value.</summary>
    public async Task<JsonElement> EvalAsync(string expression)
    {
        string json = await this.Page.EvaluateFunctionAsync<string>($"async () => JSON.stringify(await ({expression}) ?? null)");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>
    /// Evaluates a JavaScript expression and returns how it settled: <c>{ ok: value }</c>, or
    /// <c>{ name, message, stack }</c> of what it threw or rejected with.
    /// </summary>
    public async Task<JsonElement> SettleAsync(string expression)
    {
        string json = await this.Page.EvaluateFunctionAsync<string>($$"""
            async () => {
              try { return JSON.stringify({ ok: (await ({{expression}})) ?? null }); }
              catch (e) { return JSON.stringify({ name: e?.name, message: e?.message, stack: e?.stack, code: e?.code ?? null }); }
            }
            """);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>Runs JavaScript statements in the page.</summary>
    public Task RunAsync(string statements) => this.Page.EvaluateFunctionAsync($"async () => {{ {statements} }}");

    /// <summary>Waits until a JavaScript expression is truthy.</summary>
    public Task WaitForAsync(string expression) => this.Page.WaitForFunctionAsync($"() => {expression}", Polling);

    public async ValueTask DisposeAsync()
    {
        if (!this.Page.IsClosed)
        {
            await this.Page.CloseAsync();
        }

        this.Page.Dispose();
    }
}
