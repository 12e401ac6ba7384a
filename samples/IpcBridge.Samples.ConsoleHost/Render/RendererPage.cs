using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The renderer's page code (the article's <c>src/render/App.tsx</c>). It sees only the <see cref="MainWorld"/>, and
/// from it only <c>nativeBridge</c>; each public method is one of the article's buttons.
/// </summary>
internal sealed class RendererPage
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

    public void OpenUrlByDefaultBrowser()
    {
        this.console.Log("nativeBridge.OpenUrlByDefaultBrowser(\"https://www.baidu.com\")");
        this.nativeBridge.OpenUrlByDefaultBrowser("https://www.baidu.com");
    }

    public void CommunicateWithEachOtherSendMsg()
    {
        this.console.Log("nativeBridge.CommunicateWithEachOtherSendMsg(\"Hello\")");
        this.nativeBridge.CommunicateWithEachOtherSendMsg("Hello");
    }

    public void CommunicateWithEachOtherSendMsgSendSync()
    {
        this.console.Log("nativeBridge.CommunicateWithEachOtherSendMsgSendSync(\"Hello sync\")");
        string msg = this.nativeBridge.CommunicateWithEachOtherSendMsgSendSync("Hello sync");
        this.console.Log($"returned: {msg}");
    }

    public async Task CommunicateWithEachOtherSendMsgPromiseAsync()
    {
        this.console.Log("nativeBridge.CommunicateWithEachOtherSendMsgPromiseAsync(\"Hello Promise\")");
        string msg = await this.nativeBridge.CommunicateWithEachOtherSendMsgPromiseAsync("Hello Promise");
        this.console.Log($"resolved: {msg}");
    }

    public void SendMsgToWork()
    {
        this.console.Log("nativeBridge.RenderSendMsgToWork(\"I am render\")");
        this.nativeBridge.RenderSendMsgToWork("I am render");
    }

    public void SendMsgToWorkByMessagePort()
    {
        this.console.Log("nativeBridge.RenderSendMsgToWorkByMessagePort(\"I am render, sendMsgToWorkByMessagePort\")");
        this.nativeBridge.RenderSendMsgToWorkByMessagePort("I am render, sendMsgToWorkByMessagePort");
    }
}
