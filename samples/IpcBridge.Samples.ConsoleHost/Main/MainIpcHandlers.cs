namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// Main's listeners and handlers (the article's <c>ipcMain.on</c> and <c>ipcMain.handle</c> calls in
/// <c>src/main/index.ts</c>), registered through <c>AddIpcBridge().AddHandler&lt;MainIpcHandlers&gt;()</c>.
/// </summary>
internal sealed class MainIpcHandlers : IIpcMainHandler
{
    private readonly AppWindows windows;
    private readonly Shell shell;
    private readonly EndpointConsole console;

    public MainIpcHandlers(AppWindows windows, Shell shell, Transcript transcript)
    {
        this.windows = windows;
        this.shell = shell;
        this.console = transcript.For(Party.Main);
    }

    public void Register(IpcMain ipcMain)
    {
        // One way: the renderer asks, main acts.
        ipcMain.On<string>("openUrlByDefaultBrowser", (e, url) =>
        {
            this.console.Log($"openUrlByDefaultBrowser from {e.Sender.Name}: {url}");
            this.shell.OpenExternal(url);
        });

        // Two way: the answer goes back to whichever renderer sent the message.
        ipcMain.On<string>("communicateWithEachOtherSend", (e, arg) =>
        {
            this.console.Log($"communicateWithEachOtherSend from {e.Sender.Name}: {arg}");
            e.Reply("communicateWithEachOtherReply", $"I got {arg}, ok");
        });

        // Sync: the renderer is blocked until ReturnValue is set.
        ipcMain.On<string>("communicateWithEachOtherSendSync", (e, arg) =>
        {
            this.console.Log($"communicateWithEachOtherSendSync from {e.Sender.Name}: {arg}");
            e.ReturnValue = $"I got {arg}, ok";
        });

        // Promise style: the handler's result is the renderer's awaited value.
        ipcMain.Handle<string, string>("communicateWithEachOtherSendPromise", (e, arg) =>
        {
            this.console.Log($"communicateWithEachOtherSendPromise from {e.Sender.Name}: {arg}");
            return $"I got {arg}, ok";
        });

        // Renderer to work: main forwards what one renderer sends to the other.
        ipcMain.On<string>("renderSendMsgToWork", (e, msg) =>
        {
            this.console.Log($"renderSendMsgToWork from {e.Sender.Name}: {msg}; forwarding to workWindow as msgFormRender");
            this.windows.WorkWindow?.Send("msgFormRender", msg);
        });
    }
}
