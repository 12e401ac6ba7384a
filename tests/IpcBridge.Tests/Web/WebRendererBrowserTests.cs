using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.AspNetCore;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Web;

/// <summary>
/// A real page in headless Chromium as a renderer of a .NET main: calls, errors, the allowlist, cancellation and time
/// limits both ways, sendSync, the context bridge, and what a reload or a closed tab does.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public class WebRendererBrowserTests
{
    private readonly ChromiumFixture chromium;

    public WebRendererBrowserTests(ChromiumFixture chromium) => this.chromium = chromium;

    internal static async Task<WebContents> PageEndpointAsync(TestWebApp web, BrowserPage page)
    {
        int id = (await page.EvalAsync("window.connection.endpointId")).GetInt32();
        for (int i = 0; i < 1000; i++)
        {
            if (web.Main.FromId(id) is { } found)
            {
                return found;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"The page's endpoint {id} is not attached.");
    }

    [BrowserFact]
    public async Task Invoke_FromThePage_ResolvesWithMainsResultAndMainSeesTheVerifiedSender()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        TaskCompletionSource<WebContents> sender = Signal.Create<WebContents>();
        web.IpcMain.Handle<string, string>("greet", (e, name) =>
        {
            sender.TrySetResult(e.Sender);
            return $"Hello {name}";
        });
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        JsonElement result = await page.EvalAsync("ipcRenderer.invoke('greet', 'web')");

        result.GetString().Should().Be("Hello web");
        (await sender.Task.WithTimeout()).Should().BeSameAs(await PageEndpointAsync(web, page));
    }

    [BrowserFact]
    public async Task Invoke_BinaryArgumentAndResult_TravelAsBytesBothWays()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        web.IpcMain.Handle<byte[], byte[]>("reverse", (_, bytes) => bytes.Reverse().ToArray());
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        JsonElement result = await page.EvalAsync("ipcRenderer.invoke('reverse', new Uint8Array([1, 2, 3, 250])).then(r => [r instanceof Uint8Array, ...r])");

        result.EnumerateArray().Select(e => e.ToString()).Should().Equal("True", "250", "3", "2", "1");
    }

    [BrowserFact]
    public async Task Invoke_HandlerThrows_RejectsWithTheDotNetTypeNameMessageAndStack()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        web.IpcMain.Handle<string, string>("fail", (_, _) => throw new InvalidOperationException("the handler refused"));
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        JsonElement settled = await page.SettleAsync("ipcRenderer.invoke('fail', 'x')");

        settled.GetProperty("name").GetString().Should().Be("System.InvalidOperationException");
        settled.GetProperty("message").GetString().Should().Be("the handler refused");
        settled.GetProperty("stack").GetString().Should().Contain(nameof(Invoke_HandlerThrows_RejectsWithTheDotNetTypeNameMessageAndStack));
    }

    [BrowserFact]
    public async Task Invoke_ChannelOutsideTheAllowlist_RejectedPromiseNamingTheChannelAndNothingSent()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(o => o.Accept = _ => new WebRendererOptions { Allowlist = ChannelAllowlist.DenyAll.AllowInvoke("allowed") });
        int calls = 0;
        web.IpcMain.Handle<string, string>("secret", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return "leaked";
        });
        web.IpcMain.Handle<string, string>("allowed", (_, _) => "fine");
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        JsonElement denied = await page.SettleAsync("ipcRenderer.invoke('secret', 'x')");

        denied.GetProperty("name").GetString().Should().Be("IpcBridge.IpcAccessDeniedException");
        denied.GetProperty("message").GetString().Should().Contain("secret");
        (await page.EvalAsync("ipcRenderer.invoke('allowed')")).GetString().Should().Be("fine");
        calls.Should().Be(0);
    }

    [BrowserFact]
    public async Task Invoke_Aborted_RejectsAndCancelsTheDotNetHandlersToken()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<bool> cancelled = Signal.Create<bool>();
        web.IpcMain.Handle("slow", async (e, _) =>
        {
            started.TrySetResult(true);
            try
            {
                await Task.Delay(Timeout.Infinite, e.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult(true);
                throw;
            }
        });
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        await page.RunAsync("window.abort = new AbortController(); window.call = ipcRenderer.invokeWithOptions('slow', { signal: window.abort.signal }).then(() => 'resolved', e => e.name);");
        await started.Task.WithTimeout("the handler to start");
        await page.RunAsync("window.abort.abort();");

        (await page.EvalAsync("window.call")).GetString().Should().Be("AbortError");
        (await cancelled.Task.WithTimeout("the handler's token to be cancelled")).Should().BeTrue();
    }

    [BrowserFact]
    public async Task Invoke_TimeLimitPasses_RejectsWithIpcTimeoutExceptionAndCancelsTheHandler()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        TaskCompletionSource<bool> cancelled = Signal.Create<bool>();
        web.IpcMain.Handle("slow", async (e, _) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, e.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult(true);
                throw;
            }
        });
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        JsonElement settled = await page.SettleAsync("ipcRenderer.invokeWithOptions('slow', { timeout: 300 })");

        settled.GetProperty("name").GetString().Should().Be("IpcBridge.IpcTimeoutException");
        settled.GetProperty("message").GetString().Should().Contain("slow");
        (await cancelled.Task.WithTimeout("the handler's token to be cancelled")).Should().BeTrue();
    }

    [BrowserFact]
    public async Task InvokeFromMain_PageHandlerAnswers_AndItsErrorsComeBackAsIpcInvocationException()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        string preload = """
            ipcRenderer.handle('double', (_e, n) => n * 2);
            ipcRenderer.handle('later', async (_e, n) => { await new Promise(r => setTimeout(r, 50)); return n + 1; });
            ipcRenderer.handle('broken', () => { throw new TypeError('page says no'); });
            """;
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html(preload)));
        WebContents endpoint = await PageEndpointAsync(web, page);

        (await endpoint.InvokeAsync<int>("double", 21).WithTimeout()).Should().Be(42);
        (await endpoint.InvokeAsync<int>("later", 1).WithTimeout()).Should().Be(2);
        IpcInvocationException error = (await endpoint.Awaiting(w => w.InvokeAsync<int>("broken").WithTimeout()).Should().ThrowAsync<IpcInvocationException>()).Which;
        error.Message.Should().Contain("page says no");
        error.RemoteTypeName.Should().Be("TypeError");
    }

    [BrowserFact]
    public async Task InvokeFromMain_TimeLimitPasses_IpcTimeoutExceptionAndThePageHandlersSignalAborts()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        string preload = """
            ipcRenderer.handle('stall', (e) => new Promise((_resolve, reject) => {
              e.signal.addEventListener('abort', () => { window.log.push('aborted'); reject(e.signal.reason); });
            }));
            """;
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html(preload)));
        WebContents endpoint = await PageEndpointAsync(web, page);

        await endpoint.Awaiting(w => w.InvokeAsync<int>("stall", Array.Empty<object>(), TimeSpan.FromMilliseconds(300)).WithTimeout())
            .Should().ThrowAsync<IpcTimeoutException>().WithMessage("*stall*");

        await page.WaitForAsync("window.log.includes('aborted')");
    }

    [BrowserFact]
    public async Task SendSync_FromThePage_ReturnsMainsValueAfterTheSendsBeforeIt()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        var seen = new ConcurrentQueue<string>();
        web.IpcMain.On<string>("log", (_, text) => seen.Enqueue(text));
        web.IpcMain.On<string>("sync", (e, text) => e.ReturnValue = $"{text} after {string.Join(",", seen)}");
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        JsonElement value = await page.EvalAsync("(() => { for (let i = 0; i < 50; i++) ipcRenderer.send('log', String(i)); return ipcRenderer.sendSync('sync', 'sync'); })()");

        value.GetString().Should().Be("sync after " + string.Join(",", Enumerable.Range(0, 50)));
    }

    [BrowserFact]
    public async Task SendSync_NoAnswerWithinSendSyncTimeout_ThrowsIpcTimeoutExceptionNamingTheChannel()
    {
        await using TestWebApp web = await TestWebApp.StartAsync(ipc: o => o.SendSyncTimeout = TimeSpan.FromMilliseconds(300));
        TaskCompletionSource<bool> release = Signal.Create<bool>();
        web.IpcMain.On<string>("slow", (e, _) =>
        {
            release.Task.Wait(Signal.Timeout);
            e.ReturnValue = "late";
        });
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));

        try
        {
            JsonElement settled = await page.SettleAsync("ipcRenderer.sendSync('slow', 'x')");

            settled.GetProperty("name").GetString().Should().Be("IpcBridge.IpcTimeoutException");
            settled.GetProperty("message").GetString().Should().Contain("slow");
        }
        finally
        {
            release.TrySetResult(true);
        }
    }

    [BrowserFact]
    public async Task ContextBridge_ExposeInMainWorld_PutsAFrozenApiOnWindow()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        web.IpcMain.Handle<string, string>("greet", (_, name) => $"Hello {name}");
        string preload = """contextBridge.exposeInMainWorld('api', { greet: (name) => ipcRenderer.invoke('greet', name), version: { major: 1 } });""";
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html(preload)));

        (await page.EvalAsync("window.api.greet('bridge')")).GetString().Should().Be("Hello bridge");
        (await page.EvalAsync("Object.isFrozen(window.api) && Object.isFrozen(window.api.version)")).GetBoolean().Should().BeTrue();
        (await page.EvalAsync("(() => { try { window.api.greet = null; } catch { } return typeof window.api.greet; })()")).GetString().Should().Be("function");
    }

    [BrowserFact]
    public async Task Reload_DestroysTheOldWebContentsFailsItsPendingCallsClosesItsPortsAndConnectsAnew()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        string preload = """
            ipcRenderer.handle('stall', () => new Promise(() => { }));
            ipcRenderer.on('port', (e) => { window.port = e.ports[0]; window.port.start(); });
            """;
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html(preload)));
        WebContents before = await PageEndpointAsync(web, page);
        TaskCompletionSource<bool> destroyed = Signal.Create<bool>();
        before.Destroyed += (_, _) => destroyed.TrySetResult(true);
        var channel = new MessageChannelMain();
        TaskCompletionSource<bool> portClosed = Signal.Create<bool>();
        channel.Port2.Closed += (_, _) => portClosed.TrySetResult(true);
        channel.Port2.Start();
        before.PostMessage("port", null, new[] { channel.Port1 });
        await page.WaitForAsync("window.port !== undefined");
        Task<string> pending = before.InvokeAsync<string>("stall", Array.Empty<object>(), TimeSpan.FromSeconds(60));

        await page.Page.ReloadAsync();
        await page.WaitForAsync("window.connected === true");

        (await destroyed.Task.WithTimeout("the old WebContents to be destroyed")).Should().BeTrue();
        await pending.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcDisconnectedException>();
        (await portClosed.Task.WithTimeout("the port whose partner lived in the page to close")).Should().BeTrue();
        WebContents after = await PageEndpointAsync(web, page);
        after.Id.Should().NotBe(before.Id);
        before.IsDestroyed.Should().BeTrue();
    }

    [BrowserFact]
    public async Task TabClosed_DestroysItsWebContentsAndFailsMainsPendingInvoke()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html("ipcRenderer.handle('stall', () => new Promise(() => { }));")));
        WebContents endpoint = await PageEndpointAsync(web, page);
        TaskCompletionSource<bool> destroyed = Signal.Create<bool>();
        endpoint.Destroyed += (_, _) => destroyed.TrySetResult(true);
        Task<string> pending = endpoint.InvokeAsync<string>("stall", Array.Empty<object>(), TimeSpan.FromSeconds(60));

        await page.DisposeAsync();

        (await destroyed.Task.WithTimeout("the WebContents to be destroyed")).Should().BeTrue();
        await pending.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcDisconnectedException>();
        web.Main.GetAllWebContents().Should().NotContain(endpoint);
    }

    [BrowserFact]
    public async Task MainDisposed_ThePagesPendingInvokeRejectsWithIpcDisconnectedException()
    {
        TestWebApp web = await TestWebApp.StartAsync();
        BrowserPage? page = null;
        try
        {
            TaskCompletionSource<bool> started = Signal.Create<bool>();
            web.IpcMain.Handle("slow", async (e, _) =>
            {
                started.TrySetResult(true);
                await Task.Delay(Timeout.Infinite, e.CancellationToken);
            });
            page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html()));
            await page.RunAsync("window.call = ipcRenderer.invoke('slow').then(() => 'resolved', e => e.name);");
            await started.Task.WithTimeout();

            await web.Main.DisposeAsync();

            (await page.EvalAsync("window.call")).GetString().Should().Be("IpcBridge.IpcDisconnectedException");
        }
        finally
        {
            if (page is not null)
            {
                await page.DisposeAsync();
            }

            await web.DisposeAsync();
        }
    }
}
