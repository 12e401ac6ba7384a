using System;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The renderer's page code (the article's <c>src/render/App.tsx</c>). It sees only the <see cref="MainWorld"/>, and
/// from it only <c>nativeBridge</c>; each button is one of the article's.
/// </summary>
internal sealed class RendererPage : IPageButtons
{
    private readonly INativeBridge nativeBridge;
    private readonly EndpointConsole console;
    private int count;

    public RendererPage(MainWorld mainWorld, EndpointConsole console)
    {
        this.nativeBridge = mainWorld.Get<INativeBridge>("nativeBridge");
        this.console = console;
    }

    /// <summary>Runs once when the page is shown (the article's <c>useEffect</c>): follows main's counter updates.</summary>
    public void Mount()
    {
        // The callback runs on the renderer's dispatch loop, one update at a time, so the counter needs no lock.
        this.nativeBridge.OnUpdateCounterByMain(value =>
        {
            int previous = this.count;
            this.count += value;
            this.console.Log($"update-counter {value}: count {previous} -> {this.count}");
        });
    }

    /// <inheritdoc/>
    public async Task ClickAsync(string button)
    {
        switch (button)
        {
            case PageButton.OpenUrlByDefaultBrowser:
                this.OpenUrlByDefaultBrowser();
                break;
            case PageButton.CommunicateWithEachOtherSendMsg:
                this.CommunicateWithEachOtherSendMsg();
                break;
            case PageButton.CommunicateWithEachOtherSendMsgSendSync:
                this.CommunicateWithEachOtherSendMsgSendSync();
                break;
            case PageButton.CommunicateWithEachOtherSendMsgPromise:
                await this.CommunicateWithEachOtherSendMsgPromiseAsync();
                break;
            case PageButton.SendMsgToWork:
                this.SendMsgToWork();
                break;
            case PageButton.SendMsgToWorkByMessagePort:
                this.SendMsgToWorkByMessagePort();
                break;
            default:
                throw new ArgumentException($"The page has no button '{button}'.", nameof(button));
        }
    }

    private void OpenUrlByDefaultBrowser()
    {
        this.console.Log("nativeBridge.OpenUrlByDefaultBrowser(\"https://www.baidu.com\")");
        this.nativeBridge.OpenUrlByDefaultBrowser("https://www.baidu.com");
    }

    private void CommunicateWithEachOtherSendMsg()
    {
        this.console.Log("nativeBridge.CommunicateWithEachOtherSendMsg(\"Hello\")");
        this.nativeBridge.CommunicateWithEachOtherSendMsg("Hello");
    }

    private void CommunicateWithEachOtherSendMsgSendSync()
    {
        this.console.Log("nativeBridge.CommunicateWithEachOtherSendMsgSendSync(\"Hello sync\")");
        string msg = this.nativeBridge.CommunicateWithEachOtherSendMsgSendSync("Hello sync");
        this.console.Log($"returned: {msg}");
    }

    private async Task CommunicateWithEachOtherSendMsgPromiseAsync()
    {
        this.console.Log("nativeBridge.CommunicateWithEachOtherSendMsgPromiseAsync(\"Hello Promise\")");
        string msg = await this.nativeBridge.CommunicateWithEachOtherSendMsgPromiseAsync("Hello Promise");
        this.console.Log($"resolved: {msg}");
    }

    private void SendMsgToWork()
    {
        this.console.Log("nativeBridge.RenderSendMsgToWork(\"I am render\")");
        this.nativeBridge.RenderSendMsgToWork("I am render");
    }

    private void SendMsgToWorkByMessagePort()
    {
        this.console.Log("nativeBridge.RenderSendMsgToWorkByMessagePort(\"I am render, sendMsgToWorkByMessagePort\")");
        this.nativeBridge.RenderSendMsgToWorkByMessagePort("I am render, sendMsgToWorkByMessagePort");
    }
}
