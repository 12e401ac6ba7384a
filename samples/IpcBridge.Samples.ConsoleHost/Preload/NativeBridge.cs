using System;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// Preload's implementation of <see cref="INativeBridge"/>: each method is one <see cref="IpcRenderer"/> call. It stays
/// on preload's side of the context bridge; page code gets a proxy that cannot be cast back to this type.
/// </summary>
internal sealed class NativeBridge : INativeBridge
{
    private readonly IpcRenderer ipcRenderer;
    private MessagePortMain? electronMessagePort;

    public NativeBridge(IpcRenderer ipcRenderer) => this.ipcRenderer = ipcRenderer;

    /// <summary>Gets or sets this renderer's end of the MessageChannelMain main created (the article's <c>window.electronMessagePort</c>).</summary>
    public MessagePortMain? ElectronMessagePort
    {
        get => Volatile.Read(ref this.electronMessagePort);
        set => Volatile.Write(ref this.electronMessagePort, value);
    }

    public void OpenUrlByDefaultBrowser(string url)
        => this.ipcRenderer.Send("openUrlByDefaultBrowser", url);

    public void CommunicateWithEachOtherSendMsg(string msg)
        => this.ipcRenderer.Send("communicateWithEachOtherSend", msg);

    public string CommunicateWithEachOtherSendMsgSendSync(string msg)
        => this.ipcRenderer.SendSync<string>("communicateWithEachOtherSendSync", msg);

    public Task<string> CommunicateWithEachOtherSendMsgPromiseAsync(string msg)
        => this.ipcRenderer.InvokeAsync<string>("communicateWithEachOtherSendPromise", msg);

    public void OnUpdateCounterByMain(Action<int> callback)
        => this.ipcRenderer.On<int>("update-counter", (_, value) => callback(value));

    public void RenderSendMsgToWork(string msg)
        => this.ipcRenderer.Send("renderSendMsgToWork", msg);

    public void RenderSendMsgToWorkByMessagePort(string msg)
    {
        MessagePortMain port = this.ElectronMessagePort
            ?? throw new InvalidOperationException("No MessagePort yet: main has not posted one on 'port'.");
        port.PostMessage(msg);
    }
}
