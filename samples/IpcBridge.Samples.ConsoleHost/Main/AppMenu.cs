namespace IpcBridge.Samples.ConsoleHost;

/// <summary>Main's application menu (the article's <c>Menu.buildFromTemplate</c>): main pushes to renderers.</summary>
internal sealed class AppMenu
{
    private readonly MainProcess main;
    private readonly AppWindows windows;
    private readonly EndpointConsole console;

    public AppMenu(MainProcess main, AppWindows windows, Transcript transcript)
    {
        this.main = main;
        this.windows = windows;
        this.console = transcript.For(Party.Main);
    }

    /// <summary>The article's IncrementNumber item: adds 1 to mainWindow's counter.</summary>
    public void ClickIncrementNumber()
    {
        this.console.Log("menu IncrementNumber: mainWindow.WebContents.Send(\"update-counter\", 1)");
        this.windows.MainWindow?.Send("update-counter", 1);
    }

    /// <summary>
    /// The same for every window at once: one broadcast, serialized once, delivered to each window whose allowlist lets
    /// it receive <c>update-counter</c> (the work endpoint is neither a window nor allowed to).
    /// </summary>
    public void ClickIncrementNumberInAllWindows()
    {
        this.console.Log("menu IncrementNumber (all windows): main.Broadcast(EndpointKind.Window, \"update-counter\", 1)");
        this.main.Broadcast(EndpointKind.Window, "update-counter", 1);
    }
}
