using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.AspNetCore;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Web;

/// <summary>
/// Every scenario of the seed article with the sample's own page (samples/.../wwwroot/index.html) in Chromium: the test
/// clicks its real buttons, main's listeners are the article's, and the work endpoint is .NET in this process. What the
/// page prints arrives over its <c>host:console</c> sendSync; what main and the work endpoint see is recorded here.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public class SeedScenarioBrowserTests
{
    private readonly ChromiumFixture chromium;

    public SeedScenarioBrowserTests(ChromiumFixture chromium) => this.chromium = chromium;

    [BrowserFact]
    public async Task A_OneWay_OpenUrlByDefaultBrowser_ReachesMain()
    {
        await using Article article = await Article.StartAsync(this.chromium);

        await article.ClickAsync("openUrlByDefaultBrowser");

        await article.Main.ExpectAsync("openUrlByDefaultBrowser from mainWindow: https://www.baidu.com");
    }

    [BrowserFact]
    public async Task B_TwoWay_MainRepliesToThePage()
    {
        await using Article article = await Article.StartAsync(this.chromium);

        await article.ClickAsync("communicateWithEachOtherSendMsg");

        await article.Page.ExpectAsync("communicateWithEachOtherReply: I got Hello, ok");
    }

    [BrowserFact]
    public async Task C_Sync_ThePageGetsMainsReturnValue()
    {
        await using Article article = await Article.StartAsync(this.chromium);

        await article.ClickAsync("communicateWithEachOtherSendMsgSendSync");

        await article.Page.ExpectAsync("returned: I got Hello sync, ok");
    }

    [BrowserFact]
    public async Task D_Promise_ThePagesInvokeResolves()
    {
        await using Article article = await Article.StartAsync(this.chromium);

        await article.ClickAsync("communicateWithEachOtherSendMsgPromise");

        await article.Page.ExpectAsync("resolved: I got Hello Promise, ok");
    }

    [BrowserFact]
    public async Task E_MainToPage_UpdateCounter()
    {
        await using Article article = await Article.StartAsync(this.chromium);

        article.Window.Send("update-counter", 1);
        await article.Page.ExpectAsync("update-counter 1: count 0 -> 1");
        article.App.Main.Broadcast(EndpointKind.Window, "update-counter", 1);
        await article.Page.ExpectAsync("update-counter 1: count 1 -> 2");

        (await article.Browser.EvalAsync("document.getElementById('count').textContent")).GetString().Should().Be("2");
    }

    [BrowserFact]
    public async Task F_PageToWork_ForwardedByMain()
    {
        await using Article article = await Article.StartAsync(this.chromium);

        await article.ClickAsync("sendMsgToWork");

        await article.Work.ExpectAsync("msgFormRender: I am render");
    }

    [BrowserFact]
    public async Task G_PageAndWorkOverAMessagePort_WithoutMainsListeners()
    {
        await using Article article = await Article.StartAsync(this.chromium);
        var channel = new MessageChannelMain();

        article.Window.PostMessage("port", null, new[] { channel.Port1 });
        article.WorkWindow.PostMessage("port", null, new[] { channel.Port2 });
        await article.Page.ExpectAsync("port: received a MessagePort");
        await article.ClickAsync("sendMsgToWorkByMessagePort");

        await article.Work.ExpectAsync("electronMessagePort.onmessage work: I am render, sendMsgToWorkByMessagePort");
        await article.Page.ExpectAsync("electronMessagePort.onmessage render: I am work, sendMsgToRenderByMessagePort");
    }

    /// <summary>The article's app: main's listeners, the .NET work endpoint, and the sample's page in a tab.</summary>
    private sealed class Article : IAsyncDisposable
    {
        private Article(TestWebApp app) => this.App = app;

        public TestWebApp App { get; }

        public Lines Main { get; } = new("main");

        public Lines Page { get; } = new("page");

        public Lines Work { get; } = new("work");

        public BrowserPage Browser { get; private set; } = null!;

        public WebContents Window { get; private set; } = null!;

        public WebContents WorkWindow { get; private set; } = null!;

        public static async Task<Article> StartAsync(ChromiumFixture chromium)
        {
            ChannelAllowlist allowlist = ChannelAllowlist.DenyAll
                .AllowSend("openUrlByDefaultBrowser", "communicateWithEachOtherSend", "renderSendMsgToWork")
                .AllowSendSync("communicateWithEachOtherSendSync", "host:console")
                .AllowInvoke("communicateWithEachOtherSendPromise")
                .AllowReceive("communicateWithEachOtherReply", "update-counter")
                .Allow(IpcOperation.Receive | IpcOperation.Ports, "port")
                .AllowHandle("host:click");
            var article = new Article(await TestWebApp.StartAsync(o => o.Accept = _ => new WebRendererOptions { Name = "mainWindow", Allowlist = allowlist }));
            article.RegisterMain();
            article.WorkWindow = (await article.App.Main.CreateWorkAsync(new RendererOptions
            {
                Name = "workWindow",
                Allowlist = ChannelAllowlist.DenyAll.AllowReceive("msgFormRender").Allow(IpcOperation.Receive | IpcOperation.Ports, "port"),
                Preload = (ipcRenderer, _) => article.LoadWork(ipcRenderer),
            })).WebContents;

            string html = await File.ReadAllTextAsync(WebPaths.Source("samples/IpcBridge.Samples.ConsoleHost/wwwroot/index.html"));
            article.Browser = await BrowserPage.OpenAsync(chromium, article.App.AddPage("index", html.Replace("await connect({ preload })", "await connect({ preload }); window.connected = true", StringComparison.Ordinal)));
            await article.Page.ExpectAsync("connected to main", prefix: true);
            article.Window = article.App.Main.GetAllWebContents().Single(w => w.Kind == EndpointKind.Window);
            return article;
        }

        /// <summary>Clicks one of the page's buttons in the browser.</summary>
        public Task ClickAsync(string button) => this.Browser.Page.ClickAsync("#" + button);

        public async ValueTask DisposeAsync()
        {
            await this.Browser.DisposeAsync();
            await this.App.DisposeAsync();
        }

        private void RegisterMain()
        {
            IpcMain ipcMain = this.App.IpcMain;
            ipcMain.On<string>("host:console", (e, text) =>
            {
                this.Page.Add(text);
                e.ReturnValue = true;
            });
            ipcMain.On<string>("openUrlByDefaultBrowser", (e, url) => this.Main.Add($"openUrlByDefaultBrowser from {e.Sender.Name}: {url}"));
            ipcMain.On<string>("communicateWithEachOtherSend", (e, arg) => e.Reply("communicateWithEachOtherReply", $"I got {arg}, ok"));
            ipcMain.On<string>("communicateWithEachOtherSendSync", (e, arg) => e.ReturnValue = $"I got {arg}, ok");
            ipcMain.Handle<string, string>("communicateWithEachOtherSendPromise", (_, arg) => $"I got {arg}, ok");
            ipcMain.On<string>("renderSendMsgToWork", (_, msg) => this.WorkWindow.Send("msgFormRender", msg));
        }

        private void LoadWork(IpcRenderer ipcRenderer)
        {
            ipcRenderer.On<string>("msgFormRender", (_, msg) => this.Work.Add($"msgFormRender: {msg}"));
            ipcRenderer.On("port", (e, _) =>
            {
                MessagePortMain port = e.Ports[0];
                port.Message += (_, message) =>
                {
                    this.Work.Add($"electronMessagePort.onmessage work: {message.GetData<string>()}");
                    port.PostMessage("I am work, sendMsgToRenderByMessagePort");
                };
                port.Start();
            });
        }
    }

    /// <summary>What one party printed, awaitable line by line.</summary>
    private sealed class Lines
    {
        private readonly string party;
        private readonly ConcurrentQueue<string> printed = new();
        private readonly object gate = new();
        private TaskCompletionSource<bool> changed = Signal.Create<bool>();

        public Lines(string party) => this.party = party;

        public void Add(string line)
        {
            this.printed.Enqueue(line);
            lock (this.gate)
            {
                this.changed.TrySetResult(true);
                this.changed = Signal.Create<bool>();
            }
        }

        public async Task ExpectAsync(string text, bool prefix = false)
        {
            DateTime deadline = DateTime.UtcNow + Signal.Timeout;
            while (true)
            {
                Task next;
                lock (this.gate)
                {
                    next = this.changed.Task;
                }

                if (this.printed.Any(l => prefix ? l.StartsWith(text, StringComparison.Ordinal) : l == text))
                {
                    return;
                }

                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || await Task.WhenAny(next, Task.Delay(left)) != next)
                {
                    throw new TimeoutException($"The {this.party} never printed \"{text}\"; it printed: {string.Join(" | ", this.printed)}");
                }
            }
        }
    }
}
