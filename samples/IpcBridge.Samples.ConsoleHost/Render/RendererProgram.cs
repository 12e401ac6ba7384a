namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The renderer, written once: its preload (which holds <see cref="IpcRenderer"/> and <see cref="ContextBridge"/>) and
/// its page (which holds only the <see cref="MainWorld"/>). Main hosts it in its own process with
/// <c>MainProcess.CreateWindowAsync</c>, or the app launched with <c>--role renderer</c> hosts it in a child process with
/// <c>RendererProcess.ConnectAsync</c>; the code that runs is the same.
/// </summary>
internal sealed class RendererProgram
{
    private readonly EndpointConsole console;

    /// <summary>Creates the renderer program.</summary>
    /// <param name="console">The renderer's console, for its preload and its page.</param>
    public RendererProgram(EndpointConsole console) => this.console = console;

    /// <summary>Runs the preload; give this as the endpoint's preload delegate.</summary>
    /// <param name="ipcRenderer">The renderer's IPC.</param>
    /// <param name="contextBridge">The bridge to page code.</param>
    public void Preload(IpcRenderer ipcRenderer, ContextBridge contextBridge)
        => RendererPreload.Load(ipcRenderer, contextBridge, this.console);

    /// <summary>Loads the page once the preload has run, and mounts it.</summary>
    /// <param name="mainWorld">What the preload exposed: all the page may use.</param>
    /// <returns>The mounted page.</returns>
    public RendererPage LoadPage(MainWorld mainWorld)
    {
        var page = new RendererPage(mainWorld, this.console);
        page.Mount();
        return page;
    }
}
