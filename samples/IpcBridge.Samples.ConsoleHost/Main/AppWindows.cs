using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The windows main creates: the visible <c>mainWindow</c> and the hidden <c>workWindow</c> (the article's
/// <c>createWindow()</c> and <c>new BrowserWindow({ show: false })</c>), each with its preload, either in main's own
/// process (<see cref="CreateAsync"/>) or as child processes of this same app (<see cref="LaunchAsync"/>). What each may
/// do is not here: the capabilities in appsettings.json grant it by the window's name.
/// </summary>
internal sealed class AppWindows
{
    private readonly Transcript transcript;
    private readonly EndpointConsole console;
    private readonly List<ChildWindow> children = new();

    /// <summary>The visible renderer's name; the capability "renderer" in appsettings.json applies to it.</summary>
    public const string MainWindowName = "mainWindow";

    /// <summary>The hidden work endpoint's name; the capability "work" in appsettings.json applies to it.</summary>
    public const string WorkWindowName = "workWindow";

    public AppWindows(Transcript transcript)
    {
        this.transcript = transcript;
        this.console = transcript.For(Party.Main);
    }

    /// <summary>Lists the windows main creates: name, kind, and what code grants beyond the capabilities (the host's channels, with child processes).</summary>
    /// <param name="processes">Whether the windows run as child processes.</param>
    /// <returns>mainWindow, then workWindow.</returns>
    public static IReadOnlyList<(string Name, EndpointKind Kind, ChannelAllowlist? FromCode)> Windows(bool processes) =>
    [
        (MainWindowName, EndpointKind.Window, processes ? HostChannels.ForRenderer : null),
        (WorkWindowName, EndpointKind.Work, processes ? HostChannels.ForWork : null),
    ];

    /// <summary>Gets main's handle to the visible renderer, once created.</summary>
    public WebContents? MainWindow { get; private set; }

    /// <summary>Gets main's handle to the hidden work endpoint, once created.</summary>
    public WebContents? WorkWindow { get; private set; }

    /// <summary>Creates both windows in this process; each preload has run, and the page is mounted, when this completes.</summary>
    /// <param name="main">The main process.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The renderer's page.</returns>
    public async Task<IPageButtons> CreateAsync(MainProcess main, CancellationToken cancellationToken = default)
    {
        var renderer = new RendererProgram(this.transcript.For(Party.Renderer));
        RendererEndpoint mainWindow = await main.CreateWindowAsync(
            new RendererOptions
            {
                Name = MainWindowName,
                Preload = renderer.Preload,
            },
            cancellationToken);

        EndpointConsole workConsole = this.transcript.For(Party.Work);
        RendererEndpoint workWindow = await main.CreateWorkAsync(
            new RendererOptions
            {
                Name = WorkWindowName,
                Preload = (ipcRenderer, _) => WorkPreload.Load(ipcRenderer, workConsole),
            },
            cancellationToken);

        this.MainWindow = mainWindow.WebContents;
        this.WorkWindow = workWindow.WebContents;
        this.console.Log($"created {this.MainWindow} and {this.WorkWindow}");

        // Page code: it gets the renderer's main world and nothing else.
        return renderer.LoadPage(mainWindow.MainWorld);
    }

    /// <summary>
    /// Launches both windows as child processes of this same app (<c>--role renderer</c>, <c>--role work</c>), one after
    /// the other, each waiting until the child says its preload has run and its page is mounted.
    /// </summary>
    /// <param name="main">The main process.</param>
    /// <param name="timeout">How long each child may take to start, connect and get ready; and how long a click may take.</param>
    /// <param name="cancellationToken">Cancels the launch.</param>
    /// <returns>The renderer's page, clicked over IPC.</returns>
    /// <exception cref="IpcLaunchException">A child could not be started or did not connect in time.</exception>
    /// <exception cref="TimeoutException">A child did not get ready in time.</exception>
    /// <exception cref="InvalidOperationException">A child exited before it was ready.</exception>
    public async Task<IPageButtons> LaunchAsync(MainProcess main, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ConsoleRelay.PrintTo(main.IpcMain, this.transcript);
        this.console.Log($"main process: pid {main.ProcessId}");

        ChildWindow mainWindow = await this.LaunchChildAsync(
            main, MainWindowName, EndpointKind.Window, ChildProgram.RendererRole, HostChannels.ForRenderer, Party.Renderer, timeout, cancellationToken);
        ChildWindow workWindow = await this.LaunchChildAsync(
            main, WorkWindowName, EndpointKind.Work, ChildProgram.WorkRole, HostChannels.ForWork, Party.Work, timeout, cancellationToken);

        this.MainWindow = mainWindow.WebContents;
        this.WorkWindow = workWindow.WebContents;
        this.console.Log($"created {this.MainWindow} and {this.WorkWindow}");
        return new RemotePage(mainWindow.WebContents, timeout);
    }

    /// <summary>
    /// Creates only the hidden work endpoint, in this process or as a child process (<c>--web</c>: the renderer is a web
    /// page, see <see cref="UseWebPage"/>).
    /// </summary>
    /// <param name="main">The main process.</param>
    /// <param name="processes">Whether to launch it as a child process.</param>
    /// <param name="timeout">How long a child may take to start, connect and get ready.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>A task that completes when the work endpoint's preload has run.</returns>
    public async Task CreateWorkAsync(MainProcess main, bool processes, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (processes)
        {
            ChildWindow work = await this.LaunchChildAsync(
                main, WorkWindowName, EndpointKind.Work, ChildProgram.WorkRole, HostChannels.ForWork, Party.Work, timeout, cancellationToken);
            this.WorkWindow = work.WebContents;
            return;
        }

        EndpointConsole workConsole = this.transcript.For(Party.Work);
        RendererEndpoint workWindow = await main.CreateWorkAsync(
            new RendererOptions
            {
                Name = WorkWindowName,
                Preload = (ipcRenderer, _) => WorkPreload.Load(ipcRenderer, workConsole),
            },
            cancellationToken);
        this.WorkWindow = workWindow.WebContents;
    }

    /// <summary>Makes a connected web page the visible renderer, mainWindow (<c>--web</c>).</summary>
    /// <param name="page">main's handle to the page.</param>
    /// <param name="timeout">How long a click may take.</param>
    /// <returns>The page's buttons, clicked over IPC.</returns>
    public IPageButtons UseWebPage(WebContents page, TimeSpan timeout)
    {
        this.MainWindow = page;
        this.console.Log($"created {this.MainWindow} (a web page) and {this.WorkWindow}");
        return new RemotePage(page, timeout);
    }

    /// <summary>
    /// Ends a run with child processes: disposes main, which closes every link (each child sees main go and exits, and
    /// one that lingers is killed), then prints how each child's process ended.
    /// </summary>
    /// <param name="main">The main process.</param>
    /// <param name="timeout">How long to wait for each child's end to be reported.</param>
    /// <returns>One line per child that did not exit cleanly; empty when all did.</returns>
    public async Task<IReadOnlyList<string>> CloseAsync(MainProcess main, TimeSpan timeout)
    {
        this.console.Log("main.DisposeAsync(): closing the links to the child processes");
        await main.DisposeAsync();

        var failures = new List<string>();
        foreach (ChildWindow child in this.children)
        {
            string who = $"{child.WebContents.Name} (pid {child.WebContents.ProcessId})";
            ProcessGoneEventArgs gone;
            try
            {
                gone = await child.Exited.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                failures.Add($"{who}: its exit was not reported within {timeout.TotalSeconds:0} s");
                continue;
            }

            this.console.Log($"{who} exited: {gone.Reason}, exit code {gone.ExitCode}");
            if (gone.Reason != ProcessGoneReason.CleanExit)
            {
                failures.Add($"{who} did not exit cleanly: {gone.Reason}, exit code {gone.ExitCode}");
            }
        }

        return failures;
    }

    /// <summary>
    /// Gives mainWindow and workWindow the two ends of a new <see cref="MessageChannelMain"/>, so they can talk to each
    /// other without main's listeners in the way (across child processes, straight from one child to the other).
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
        this.MainWindow.PostMessage("port", null, new[] { channel.Port1 });
        this.WorkWindow.PostMessage("port", null, new[] { channel.Port2 });
    }

    private async Task<ChildWindow> LaunchChildAsync(
        MainProcess main, string name, EndpointKind kind, string role, ChannelAllowlist hostChannels, string party, TimeSpan timeout, CancellationToken cancellationToken)
    {
        this.console.Log($"launching {name}: this app again, with {ChildProgram.RoleOption} {role}");
        int since = this.transcript.Mark();
        ProcessStartInfo startInfo = MainProcess.CreateStartInfoForThisApp(ChildProgram.RoleOption, role);
        WebContents webContents = await main.LaunchAsync(
            startInfo,
            new LaunchOptions { Kind = kind, Name = name, Allowlist = hostChannels, ConnectTimeout = timeout },
            cancellationToken);
        var child = new ChildWindow(webContents);
        this.children.Add(child);

        // Connected is not ready: main clicks and sends only once the child's preload has run and its page is mounted.
        Task ready = this.transcript.ExpectAsync(
            party, line => line.StartsWith(ChildProgram.ReadyLine, StringComparison.Ordinal), $"a line starting with \"{ChildProgram.ReadyLine}\"", since, timeout);
        if (await Task.WhenAny(ready, child.Exited) != ready)
        {
            ProcessGoneEventArgs gone = await child.Exited;
            throw new InvalidOperationException($"{child} exited before it was ready: {gone.Reason}, exit code {gone.ExitCode}.");
        }

        await ready;
        return child;
    }
}
