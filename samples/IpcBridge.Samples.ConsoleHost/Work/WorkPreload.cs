namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The hidden work endpoint's preload (the article's <c>src/work/index.ts</c>). It has no page: it listens for what
/// main forwards, and for the MessagePort that connects it straight to the renderer.
/// </summary>
internal static class WorkPreload
{
    // The work endpoint only receives: the capability "work" in appsettings.json grants it exactly that, for the
    // endpoint named workWindow. In code it would be
    //   ChannelAllowlist.DenyAll.AllowReceive("msgFormRender").Allow(IpcOperation.Receive | IpcOperation.Ports, "port").

    /// <summary>Runs the preload.</summary>
    /// <param name="ipcRenderer">The work endpoint's IPC.</param>
    /// <param name="console">The work endpoint's console.</param>
    public static void Load(IpcRenderer ipcRenderer, EndpointConsole console)
    {
        ipcRenderer.On<string>("msgFormRender", (_, msg) => console.Log($"msgFormRender: {msg}"));

        ipcRenderer.On("port", (e, _) =>
        {
            if (e.Ports.Count == 0)
            {
                return;
            }

            MessagePortMain electronMessagePort = e.Ports[0];
            electronMessagePort.Message += (_, message) =>
            {
                console.Log($"electronMessagePort.onmessage work: {message.GetData<string>()}");
                electronMessagePort.PostMessage("I am work, sendMsgToRenderByMessagePort");
            };

            // A MessagePortMain queues messages until it is started; subscribing alone does not start it.
            electronMessagePort.Start();
        });
    }
}
