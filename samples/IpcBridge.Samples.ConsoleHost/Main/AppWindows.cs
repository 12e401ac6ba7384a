using System;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The windows main creates: the visible <c>mainWindow</c> and the hidden <c>workWindow</c> (the article's
/// <c>createWindow()</c> and <c>new BrowserWindow({ show: false })</c>), each with its preload and allowlist.
/// </summary>
internal sealed class AppWindows
{
    private readonly Transcript transcript;
    private readonly EndpointConsole console;

    public AppWindows(Transcript transcript)
    {
        this.transcript = transcript;
        this.console = transcript.For(Party.Main);
    }

    /// <summary>Gets the visible renderer, once created.</summary>
    public RendererEndpoint? MainWindow { get; private set; }

    /// <summary>Gets the hidden work endpoint, once created.</summary>
    public RendererEndpoint? WorkWindow { get; private set; }

    /// <summary>Creates both windows; each preload has run when this completes.</summary>
    /// <param name="main">The main process.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>A task that completes when both windows exist.</returns>
    public async Task CreateAsync(MainProcess main, CancellationToken cancellationToken = default)
    {
        EndpointConsole rendererConsole = this.transcript.For(Party.Renderer);
        this.MainWindow = await main.CreateWindowAsync(
            new RendererOptions
            {
                Name = "mainWindow",
                Allowlist = RendererPreload.Allowlist,
                Preload = (ipcRenderer, contextBridge) => RendererPreload.Load(ipcRenderer, contextBridge, rendererConsole),
            },
            cancellationToken);

        EndpointConsole workConsole = this.transcript.For(Party.Work);
        this.WorkWindow = await main.CreateWorkAsync(
            new RendererOptions
            {
                Name = "workWindow",
                Allowlist = WorkPreload.Allowlist,
                Preload = (ipcRenderer, _) => WorkPreload.Load(ipcRenderer, workConsole),
            },
            cancellationToken);

        this.console.Log($"created {this.MainWindow.WebContents} and {this.WorkWindow.WebContents}");
    }

    /// <summary>
    /// Gives mainWindow and workWindow the two ends of a new <see cref="MessageChannelMain"/>, so they can talk to each
    /// other without main's listeners in the way.
    /// </summary>
    /// <exception cref="InvalidOperationException">The windows are not created yet.</exception>
    public void ConnectByMessagePort()
    {
        if (this.MainWindow is null || this.WorkWindow is null)
        {
            throw new InvalidOperationException("Create the windows first.");
        }

        var channel = new MessageChannelMain();
        this.console.Log("new MessageChannelMain(): Port1 to mainWindow, Port2 to workWindow, on \"port\"");
        this.MainWindow.WebContents.PostMessage("port", null, new[] { channel.Port1 });
        this.WorkWindow.WebContents.PostMessage("port", null, new[] { channel.Port2 });
    }
}
