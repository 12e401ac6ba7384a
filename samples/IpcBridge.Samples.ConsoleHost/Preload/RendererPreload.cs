namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The renderer's preload (the article's <c>src/preload/index.ts</c>): the only renderer code that holds
/// <see cref="IpcRenderer"/>. It exposes <see cref="INativeBridge"/> to page code and listens for what main sends.
/// </summary>
internal static class RendererPreload
{
    // The channels this preload uses are granted by the capability "renderer" in appsettings.json, which applies to the
    // endpoint named mainWindow; both sides enforce them: IpcRenderer refuses anything else before sending, and main
    // drops (or answers with an error) any frame outside them. The same grant in code, the alternative to the file:
    //   new RendererOptions { Name = "mainWindow", Allowlist = ChannelAllowlist.DenyAll
    //       .AllowSend("openUrlByDefaultBrowser", "communicateWithEachOtherSend", "renderSendMsgToWork")
    //       .AllowSendSync("communicateWithEachOtherSendSync")
    //       .AllowInvoke("communicateWithEachOtherSendPromise")
    //       .AllowReceive("communicateWithEachOtherReply", "update-counter")
    //       .Allow(IpcOperation.Receive | IpcOperation.Ports, "port"), ... }

    /// <summary>Runs the preload, before any page code.</summary>
    /// <param name="ipcRenderer">The renderer's IPC.</param>
    /// <param name="contextBridge">The bridge to page code.</param>
    /// <param name="console">The renderer's console.</param>
    public static void Load(IpcRenderer ipcRenderer, ContextBridge contextBridge, EndpointConsole console)
    {
        var nativeBridge = new NativeBridge(ipcRenderer);
        contextBridge.ExposeInMainWorld<INativeBridge>("nativeBridge", nativeBridge);

        ipcRenderer.On<string>("communicateWithEachOtherReply", (_, arg) => console.Log($"communicateWithEachOtherReply: {arg}"));

        // Main hands this renderer one end of a MessageChannelMain; the work endpoint gets the other.
        ipcRenderer.On("port", (e, _) =>
        {
            if (e.Ports.Count == 0)
            {
                return;
            }

            MessagePortMain port = e.Ports[0];
            port.Message += (_, message) => console.Log($"electronMessagePort.onmessage render: {message.GetData<string>()}");
            port.Start();
            nativeBridge.ElectronMessagePort = port;
            console.Log("port: received a MessagePort");
        });
    }
}
