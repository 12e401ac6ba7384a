using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// Runs every scenario of "Cross-Process Communication in Electron" with IpcBridge: main, the visible renderer
/// (mainWindow) and the hidden work endpoint (workWindow), printing what each one sends and receives. By default all
/// three run in this process; with <c>--processes</c> the renderer and the work endpoint are child processes. What each
/// endpoint may do is in appsettings.json (its capabilities); <c>--policy</c> prints it.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(10);

    // Starting a child .NET process takes a moment, and longer on a busy machine.
    private static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the scenarios, or one child process of <c>--processes</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 when every scenario passed, 1 when one failed, 2 for a bad command line.</returns>
    public static async Task<int> Main(string[] args)
    {
        if (args is [ChildProgram.RoleOption, string role])
        {
            return await ChildProgram.RunAsync(role, LaunchTimeout, ScenarioTimeout);
        }

        bool openUrls = false;
        bool processes = false;
        bool showcase = false;
        bool web = false;
        bool headless = false;
        bool noOpen = false;
        bool policy = false;
        foreach (string arg in args)
        {
            switch (arg)
            {
                case "--showcase":
                    showcase = true;
                    break;
                case "--open":
                    openUrls = true;
                    break;
                case "--processes":
                    processes = true;
                    break;
                case "--web":
                    web = true;
                    break;
                case "--headless":
                    headless = true;
                    break;
                case "--no-open":
                    noOpen = true;
                    break;
                case "--policy":
                    policy = true;
                    break;
                case "-h" or "--help":
                    PrintUsage(Console.Out);
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown argument: {arg}");
                    PrintUsage(Console.Error);
                    return 2;
            }
        }

        if ((headless || noOpen) && !web)
        {
            Console.Error.WriteLine("--headless and --no-open go with --web.");
            PrintUsage(Console.Error);
            return 2;
        }

        try
        {
            if (web)
            {
                return await WebProgram.RunAsync(new WebSettings(headless, !noOpen, processes, openUrls, Port: 0), ScenarioTimeout, LaunchTimeout);
            }

            if (showcase)
            {
                return await Showcase.Showcase.RunAsync(Console.Out);
            }

            return await RunAsync(openUrls, processes, policy);
        }
        catch (Exception ex)
        {
            // A failure outside the scenarios (setting up main or the windows) ends the run with a message, not a crash.
            Console.Out.Flush();
            Console.Error.WriteLine($"The sample failed before its scenarios could finish: {ex}");
            return 1;
        }
    }

    /// <summary>Sends IpcBridge's own diagnostics (a denied frame, a listener that threw) to stderr; the transcript goes to stdout.</summary>
    /// <param name="logging">The logging builder.</param>
    internal static void ConfigureLogging(ILoggingBuilder logging) => logging
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
        .SetMinimumLevel(LogLevel.Warning);

    private static async Task<int> RunAsync(bool openUrls, bool processes, bool policy)
    {
        // The capabilities: one reviewed file instead of allowlists in the code that creates each window.
        IConfiguration configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .Build();

        var transcript = new Transcript(Console.Out, showProcessIds: processes);
        EndpointConsole mainConsole = transcript.For(Party.Main);

        var services = new ServiceCollection();
        services.AddLogging(ConfigureLogging);
        services.AddSingleton(transcript);
        services.AddSingleton(new Shell(openUrls, mainConsole));
        services.AddSingleton<AppWindows>();
        services.AddSingleton<AppMenu>();
        services.AddIpcBridge(options => options.SendSyncTimeout = ScenarioTimeout)
            .AddHandler<MainIpcHandlers>()
            .AddCapabilities(configuration.GetSection("IpcBridge"));

        // Disposing the provider disposes main, and with it every endpoint; child processes are reaped (or killed).
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        if (policy)
        {
            return PrintPolicy(provider.GetRequiredService<MainProcess>(), processes);
        }

        transcript.WriteLine(processes
            ? "IpcBridge console host: the seed article's IPC scenarios, the renderer and the work endpoint in child processes."
            : "IpcBridge console host: the seed article's IPC scenarios, all endpoints in this process.");
        MainProcess main = provider.GetRequiredService<MainProcess>();
        main.AccessDenied += (_, e) => mainConsole.Log($"denied {e.Operation} on \"{e.Channel}\" from {e.Sender.Name}");

        AppWindows windows = provider.GetRequiredService<AppWindows>();
        IPageButtons page = processes ? await windows.LaunchAsync(main, LaunchTimeout) : await windows.CreateAsync(main);

        IReadOnlyList<Scenario> scenarios = SeedScenarios.Create(page, provider.GetRequiredService<AppMenu>(), windows);
        IReadOnlyList<string> failures = await new ScenarioRunner(transcript, ScenarioTimeout).RunAsync(scenarios);

        IReadOnlyList<string> exitFailures = [];
        if (processes)
        {
            transcript.WriteLine();
            exitFailures = await windows.CloseAsync(main, LaunchTimeout);
        }

        transcript.WriteLine();
        if (failures.Count == 0)
        {
            transcript.WriteLine($"All {scenarios.Count} scenarios passed");
        }
        else
        {
            transcript.WriteLine($"{failures.Count} of {scenarios.Count} scenarios failed:");
            WriteList(transcript, failures);
        }

        if (exitFailures.Count > 0)
        {
            transcript.WriteLine("Not every child process exited cleanly:");
            WriteList(transcript, exitFailures);
        }

        return failures.Count == 0 && exitFailures.Count == 0 ? 0 : 1;
    }

    /// <summary>Prints what each window may do, as main would grant it: the capabilities that apply, and code's additions.</summary>
    private static int PrintPolicy(MainProcess main, bool processes)
    {
        Console.WriteLine(processes
            ? "The effective policy of each endpoint, the renderer and the work endpoint in child processes (capabilities from appsettings.json):"
            : "The effective policy of each endpoint, all endpoints in this process (capabilities from appsettings.json):");
        foreach ((string name, EndpointKind kind, ChannelAllowlist? fromCode) in AppWindows.Windows(processes))
        {
            Console.WriteLine();
            Console.WriteLine(main.GetPolicy(name, kind, fromCode));
        }

        return 0;
    }

    private static void WriteList(Transcript transcript, IReadOnlyList<string> lines)
    {
        foreach (string line in lines)
        {
            transcript.WriteLine($"  {line}");
        }
    }

    private static void PrintUsage(TextWriter output)
    {
        output.WriteLine("Usage: IpcBridge.Samples.ConsoleHost [--open] [--processes] [--policy] [--web [--headless | --no-open]] | --showcase");
        output.WriteLine("  --open       really open the URL of scenario a in the default browser");
        output.WriteLine("  --processes  run the renderer and the work endpoint as child processes of this app");
        output.WriteLine($"               (which starts it again with {ChildProgram.RoleOption} {ChildProgram.RendererRole} and {ChildProgram.RoleOption} {ChildProgram.WorkRole})");
        output.WriteLine("  --policy     print what each endpoint may do (its capabilities from appsettings.json), then exit");
        output.WriteLine("  --web        the renderer is a real web page: serve it on 127.0.0.1, print its URL, open it in the default");
        output.WriteLine("               browser and run the scenarios by clicking its buttons; then keep serving until Ctrl+C");
        output.WriteLine("  --headless   with --web: run the page in headless Chromium instead, and exit when the scenarios are done");
        output.WriteLine("  --no-open    with --web: do not open a browser; open the printed URL yourself");
        output.WriteLine("  --showcase   instead of the article's scenarios, demonstrate what IpcBridge adds: invoke from main,");
        output.WriteLine("               cancellation, time limits, streaming, typed channels, contracts, tracing and metrics");
    }
}
