using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// What this app runs when main launches it again with <c>--role renderer</c> or <c>--role work</c>
/// (<c>--processes</c>): the same renderer and work code as in one process, connected to main with
/// <see cref="RendererProcess.ConnectAsync(RendererProcessOptions, CancellationToken)"/>. The child's console goes to
/// main's transcript (<see cref="ConsoleRelay"/>), and main clicks the renderer page's buttons through
/// <see cref="PageClickHandler"/>.
/// </summary>
internal static class ChildProgram
{
    /// <summary>The option that makes this app a child: <c>--role renderer</c> or <c>--role work</c>.</summary>
    public const string RoleOption = "--role";

    /// <summary>The role of the visible renderer, mainWindow.</summary>
    public const string RendererRole = "renderer";

    /// <summary>The role of the hidden work endpoint, workWindow.</summary>
    public const string WorkRole = "work";

    /// <summary>How a child's first line starts: it is connected, its preload has run, and its page (if any) is mounted.</summary>
    public const string ReadyLine = "connected to main";

    /// <summary>Runs a child until main closes its link or goes away.</summary>
    /// <param name="role">The role main gave it.</param>
    /// <param name="connectTimeout">How long connecting to main may take.</param>
    /// <param name="sendSyncTimeout">How long a sync send may wait for main.</param>
    /// <returns>0 once main has closed the link; 1 when the child failed; 2 for a bad role or when not launched by main.</returns>
    public static async Task<int> RunAsync(string role, TimeSpan connectTimeout, TimeSpan sendSyncTimeout)
    {
        if (role is not (RendererRole or WorkRole))
        {
            Console.Error.WriteLine($"Unknown role: {role} (expected {RendererRole} or {WorkRole})");
            return 2;
        }

        if (!RendererProcess.IsLaunchedByMain)
        {
            Console.Error.WriteLine($"{RoleOption} is how --processes starts its child processes; run the sample with --processes instead.");
            return 2;
        }

        try
        {
            using ILoggerFactory loggerFactory = LoggerFactory.Create(Program.ConfigureLogging);
            var relay = new ConsoleRelay();
            var options = new RendererProcessOptions
            {
                Options = new IpcBridgeOptions { SendSyncTimeout = sendSyncTimeout },
                LoggerFactory = loggerFactory,
            };
            using var connecting = new CancellationTokenSource(connectTimeout);
            return role == RendererRole
                ? await RunRendererAsync(relay, options, connecting.Token)
                : await RunWorkAsync(relay, options, connecting.Token);
        }
        catch (Exception ex)
        {
            // The child's stderr is main's: the failure shows there, and main sees this process end.
            Console.Error.WriteLine($"The {role} process failed: {ex}");
            return 1;
        }
    }

    private static async Task<int> RunRendererAsync(ConsoleRelay relay, RendererProcessOptions options, CancellationToken cancellationToken)
    {
        var console = new EndpointConsole(relay.Log);
        var renderer = new RendererProgram(console);
        var clicks = new PageClickHandler();
        options.Preload = (ipcRenderer, contextBridge) =>
        {
            relay.Attach(ipcRenderer);
            clicks.Register(ipcRenderer);
            renderer.Preload(ipcRenderer, contextBridge);
        };

        await using RendererProcess process = await RendererProcess.ConnectAsync(options, cancellationToken);

        // Page code: it gets this process's main world and nothing else, as in one process.
        clicks.Serve(renderer.LoadPage(process.MainWorld));
        console.Log($"{ReadyLine} (pid {process.MainProcessId}) as endpoint #{process.EndpointId} ({process.Kind}); preload ran, page mounted");
        return await ServeAsync(process);
    }

    private static async Task<int> RunWorkAsync(ConsoleRelay relay, RendererProcessOptions options, CancellationToken cancellationToken)
    {
        var console = new EndpointConsole(relay.Log);
        options.Preload = (ipcRenderer, _) =>
        {
            relay.Attach(ipcRenderer);
            WorkPreload.Load(ipcRenderer, console);
        };

        await using RendererProcess process = await RendererProcess.ConnectAsync(options, cancellationToken);
        console.Log($"{ReadyLine} (pid {process.MainProcessId}) as endpoint #{process.EndpointId} ({process.Kind}); preload ran");
        return await ServeAsync(process);
    }

    private static async Task<int> ServeAsync(RendererProcess process)
    {
        // Main ends the run by closing the link. A launched child also exits by itself if main goes away
        // (RendererProcessOptions.ExitWhenMainGone, on by default), so it never outlives main.
        await process.Disconnected;
        return 0;
    }
}
