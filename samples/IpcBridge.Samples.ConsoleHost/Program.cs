using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// Runs every scenario of "Cross-Process Communication in Electron" with IpcBridge: main, the visible renderer
/// (mainWindow) and the hidden work endpoint (workWindow), printing what each one sends and receives.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs the scenarios.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 when every scenario passed, 1 when one failed, 2 for a bad command line or <c>--processes</c>.</returns>
    public static async Task<int> Main(string[] args)
    {
        bool openUrls = false;
        bool processes = false;
        foreach (string arg in args)
        {
            switch (arg)
            {
                case "--open":
                    openUrls = true;
                    break;
                case "--processes":
                    processes = true;
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

        if (processes)
        {
            Console.Error.WriteLine("--processes: not available yet");
            return 2;
        }

        try
        {
            return await RunAsync(openUrls);
        }
        catch (Exception ex)
        {
            // A failure outside the scenarios (setting up main or the windows) ends the run with a message, not a crash.
            Console.Out.Flush();
            Console.Error.WriteLine($"The sample failed before its scenarios could finish: {ex}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(bool openUrls)
    {
        var transcript = new Transcript(Console.Out);
        EndpointConsole mainConsole = transcript.For(Party.Main);

        var services = new ServiceCollection();

        // IpcBridge's own diagnostics (a denied frame, a listener that threw) go to stderr; the transcript goes to stdout.
        services.AddLogging(logging => logging
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(transcript);
        services.AddSingleton(new Shell(openUrls, mainConsole));
        services.AddSingleton<AppWindows>();
        services.AddSingleton<AppMenu>();
        services.AddIpcBridge(options => options.SendSyncTimeout = ScenarioTimeout)
            .AddHandler<MainIpcHandlers>();

        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        transcript.WriteLine("IpcBridge console host: the seed article's IPC scenarios, all endpoints in this process.");
        MainProcess main = provider.GetRequiredService<MainProcess>();
        main.AccessDenied += (_, e) => mainConsole.Log($"denied {e.Operation} on \"{e.Channel}\" from {e.Sender.Name}");

        AppWindows windows = provider.GetRequiredService<AppWindows>();
        await windows.CreateAsync(main);
        RendererEndpoint mainWindow = windows.MainWindow ?? throw new InvalidOperationException("mainWindow was not created.");

        // Page code: it gets the renderer's main world and nothing else.
        var page = new RendererPage(mainWindow.MainWorld, transcript.For(Party.Renderer));
        page.Mount();

        IReadOnlyList<Scenario> scenarios = SeedScenarios.Create(page, provider.GetRequiredService<AppMenu>(), windows);
        IReadOnlyList<string> failures = await new ScenarioRunner(transcript, ScenarioTimeout).RunAsync(scenarios);

        transcript.WriteLine();
        if (failures.Count > 0)
        {
            transcript.WriteLine($"{failures.Count} of {scenarios.Count} scenarios failed:");
            foreach (string failure in failures)
            {
                transcript.WriteLine($"  {failure}");
            }

            return 1;
        }

        transcript.WriteLine($"All {scenarios.Count} scenarios passed");
        return 0;
    }

    private static void PrintUsage(TextWriter output)
    {
        output.WriteLine("Usage: IpcBridge.Samples.ConsoleHost [--open] [--processes]");
        output.WriteLine("  --open       really open the URL of scenario a in the default browser");
        output.WriteLine("  --processes  run the renderer and the work endpoint in child processes (not available yet)");
    }
}
