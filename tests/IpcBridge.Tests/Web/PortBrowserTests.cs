using System;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Web;

/// <summary>
/// MessagePorts with pages at either end: between two pages, between a page and a .NET work endpoint, and a port a
/// page made, handed to main and on to another endpoint. Closing one end closes the other.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public class PortBrowserTests
{
    // A page that takes the port main posts on 'port', logs what arrives on it and answers "<message> back".
    private const string EchoPreload = """
        ipcRenderer.on('port', (e) => {
          const port = e.ports[0];
          window.port = port;
          port.onmessage = (m) => { window.log.push(m.data); if (!String(m.data).endsWith('back')) port.postMessage(m.data + ' back'); };
          port.addEventListener('close', () => window.log.push('closed'));
        });
        """;

    private readonly ChromiumFixture chromium;

    public PortBrowserTests(ChromiumFixture chromium) => this.chromium = chromium;

    [BrowserFact]
    public async Task PortBetweenTwoPages_MessagesBothWaysAndCloseReachesTheOther()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        string url = web.AddPage("p", BrowserPage.Html(EchoPreload));
        await using BrowserPage left = await BrowserPage.OpenAsync(this.chromium, url);
        await using BrowserPage right = await BrowserPage.OpenAsync(this.chromium, url);
        var channel = new MessageChannelMain();

        (await WebRendererBrowserTests.PageEndpointAsync(web, left)).PostMessage("port", null, new[] { channel.Port1 });
        (await WebRendererBrowserTests.PageEndpointAsync(web, right)).PostMessage("port", null, new[] { channel.Port2 });
        await left.WaitForAsync("window.port !== undefined");
        await right.WaitForAsync("window.port !== undefined");
        await left.RunAsync("window.port.postMessage('hello from left');");

        await right.WaitForAsync("window.log.includes('hello from left')");
        await left.WaitForAsync("window.log.includes('hello from left back')");

        await right.RunAsync("window.port.close();");
        await left.WaitForAsync("window.log.includes('closed')");
    }

    [BrowserFact]
    public async Task PortBetweenAPageAndADotNetWorkEndpoint_MessagesBothWays()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        TaskCompletionSource<string> workGot = Signal.Create<string>();
        RendererEndpoint work = await web.Main.CreateWorkAsync(new RendererOptions
        {
            Name = "work",
            Allowlist = ChannelAllowlist.AllowAll(),
            Preload = (ipcRenderer, _) => ipcRenderer.On("port", (e, _) =>
            {
                MessagePortMain port = e.Ports[0];
                port.Message += (_, m) =>
                {
                    string text = m.GetData<string>()!;
                    workGot.TrySetResult(text);
                    port.PostMessage(text + " back");
                };
                port.Start();
            }),
        });
        await using BrowserPage page = await BrowserPage.OpenAsync(this.chromium, web.AddPage("p", BrowserPage.Html(EchoPreload)));
        var channel = new MessageChannelMain();

        (await WebRendererBrowserTests.PageEndpointAsync(web, page)).PostMessage("port", null, new[] { channel.Port1 });
        work.WebContents.PostMessage("port", null, new[] { channel.Port2 });
        await page.WaitForAsync("window.port !== undefined");
        await page.RunAsync("window.port.postMessage('I am the page');");

        (await workGot.Task.WithTimeout("the work endpoint to get the page's message")).Should().Be("I am the page");
        await page.WaitForAsync("window.log.includes('I am the page back')");
    }

    [BrowserFact]
    public async Task PortMadeInAPage_TransferredToMainAndOnToAnotherPage_Works()
    {
        await using TestWebApp web = await TestWebApp.StartAsync();
        web.IpcMain.On("give-port", (e, _) =>
        {
            // Main hands the page's port on to every other page.
            foreach (WebContents other in web.Main.GetAllWebContents())
            {
                if (other != e.Sender)
                {
                    other.PostMessage("port", null, new[] { e.Ports[0] });
                }
            }
        });
        string url = web.AddPage("p", BrowserPage.Html(EchoPreload));
        await using BrowserPage receiver = await BrowserPage.OpenAsync(this.chromium, url);
        await using BrowserPage maker = await BrowserPage.OpenAsync(this.chromium, url);

        await maker.RunAsync("""
            const channel = new window.ipc.IpcMessageChannel();
            window.mine = channel.port1;
            window.mine.onmessage = (m) => window.log.push(m.data);
            window.ipcRenderer.postMessage('give-port', null, [channel.port2]);
            window.mine.postMessage('made in a page');
            """);

        try
        {
            await receiver.WaitForAsync("window.log.includes('made in a page')");
            await maker.WaitForAsync("window.log.includes('made in a page back')");
        }
        catch (PuppeteerSharp.WaitTaskTimeoutException)
        {
            string logs = string.Join(" | ", web.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.Message));
            throw new TimeoutException($"receiver: {await receiver.EvalAsync("window.log")}, maker: {await maker.EvalAsync("window.log")}, main logged: {logs}");
        }
    }
}
