using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// <c>--web</c>: the article's renderer is a real web page (<c>wwwroot/index.html</c>) served by Kestrel on loopback and
/// attached to main by IpcBridge.AspNetCore; main and the work endpoint stay .NET (the work endpoint in this process, or
/// a child process with <c>--processes</c>). Every scenario clicks the page's buttons, in the browser, over IPC.
/// </summary>
internal static class WebProgram
{
    /// <summary>The WebSocket endpoint's path.</summary>
    public const string Endpoint = "/ipc";

    /// <summary>How the page's first line starts once it is connected and mounted.</summary>
    public const string ReadyLine = ChildProgram.ReadyLine;

    /// <summary>Runs the scenarios with the renderer as a web page.</summary>
    /// <param name="settings">What the command line asked for.</param>
    /// <param name="scenarioTimeout">How long each step may take.</param>
    /// <param name="launchTimeout">How long the page (and a work child) may take to connect.</param>
    /// <returns>0 when every scenario passed.</returns>
    public static async Task<int> RunAsync(WebSettings settings, TimeSpan scenarioTimeout, TimeSpan launchTimeout)
    {
        var transcript = new Transcript(Console.Out, showProcessIds: settings.Processes);
        EndpointConsole mainConsole = transcript.For(Party.Main);
        await using WebApplication app = Build(settings, transcript, mainConsole, scenarioTimeout);
        await app.StartAsync();
        string url = app.Urls.First().TrimEnd('/') + "/";

        transcript.WriteLine("IpcBridge console host: the seed article's IPC scenarios, the renderer a web page" + (settings.Processes ? ", the work endpoint a child process." : ", the work endpoint in this process."));
        MainProcess main = app.Services.GetRequiredService<MainProcess>();
        main.AccessDenied += (_, e) => mainConsole.Log($"denied {e.Operation} on \"{e.Channel}\" from {e.Sender.Name}");
        ConsoleRelay.PrintTo(main.IpcMain, transcript);
        AppWindows windows = app.Services.GetRequiredService<AppWindows>();
        await windows.CreateWorkAsync(main, settings.Processes, launchTimeout);

        transcript.WriteLine($"The page: {url}");
        int since = transcript.Mark();
        await using HeadlessChromium? browser = OpenPage(settings, url, mainConsole);
        Task ready = transcript.ExpectAsync(Party.Renderer, line => line.StartsWith(ReadyLine, StringComparison.Ordinal), $"the page's \"{ReadyLine}\" line", since, settings.Headless ? launchTimeout : Timeout.InfiniteTimeSpan);

        // Ctrl+C and SIGTERM reach the web host (it stops the application rather than the process), so waiting for a page
        // that is never opened must give way to them, or the process could only be killed.
        Task stopping = WhenStopping(app);
        Task first = await Task.WhenAny(ready, stopping, browser?.Exited ?? Task.Delay(Timeout.Infinite, CancellationToken.None));
        if (first == stopping && !ready.IsCompleted)
        {
            transcript.WriteLine();
            transcript.WriteLine("Stopped before the page connected: no scenario ran.");
            await CloseAsync(app, windows, main, settings, launchTimeout, transcript);
            return 1;
        }

        if (first != ready && first != stopping)
        {
            throw new InvalidOperationException("Chromium exited before the page connected.");
        }

        await ready;
        WebContents page = main.GetAllWebContents().First(w => w.Kind == EndpointKind.Window);
        IPageButtons buttons = windows.UseWebPage(page, scenarioTimeout);

        IReadOnlyList<Scenario> scenarios = SeedScenarios.Create(buttons, app.Services.GetRequiredService<AppMenu>(), windows);
        IReadOnlyList<string> failures = await new ScenarioRunner(transcript, scenarioTimeout).RunAsync(scenarios);
        transcript.WriteLine();
        transcript.WriteLine(failures.Count == 0 ? $"All {scenarios.Count} scenarios passed" : $"{failures.Count} of {scenarios.Count} scenarios failed:");
        foreach (string failure in failures)
        {
            transcript.WriteLine($"  {failure}");
        }

        if (!settings.Headless)
        {
            transcript.WriteLine();
            transcript.WriteLine($"Still serving {url}: click the buttons yourself. Press Ctrl+C to stop.");
            await stopping;
        }

        bool closedCleanly = await CloseAsync(app, windows, main, settings, launchTimeout, transcript);
        return failures.Count == 0 && closedCleanly ? 0 : 1;
    }

    /// <summary>Completes when the web host begins to stop (Ctrl+C, SIGTERM, or <c>StopApplication</c>).</summary>
    private static Task WhenStopping(WebApplication app)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        return stopping.Task;
    }

    /// <summary>Closes a work child (with <c>--processes</c>) and stops the web host.</summary>
    /// <returns><see langword="false"/> when the work child did not exit as it should.</returns>
    private static async Task<bool> CloseAsync(WebApplication app, AppWindows windows, MainProcess main, WebSettings settings, TimeSpan launchTimeout, Transcript transcript)
    {
        IReadOnlyList<string> exitFailures = settings.Processes ? await windows.CloseAsync(main, launchTimeout) : [];
        foreach (string failure in exitFailures)
        {
            transcript.WriteLine($"  {failure}");
        }

        await app.StopAsync();
        return exitFailures.Count == 0;
    }

    private static WebApplication Build(WebSettings settings, Transcript transcript, EndpointConsole mainConsole, TimeSpan scenarioTimeout)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, settings.Port));
        builder.Logging.ClearProviders();
        Program.ConfigureLogging(builder.Logging);
        builder.Services.AddSingleton(transcript);
        builder.Services.AddSingleton(new Shell(settings.OpenUrls, mainConsole));
        builder.Services.AddSingleton<AppWindows>();
        builder.Services.AddSingleton<AppMenu>();
        builder.Configuration.SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: false);
        builder.Services.AddIpcBridge(options => options.SendSyncTimeout = scenarioTimeout)
            .AddHandler<MainIpcHandlers>()
            .AddCapabilities(builder.Configuration.GetSection("IpcBridge"))
            .AddWebRenderers();

        WebApplication app = builder.Build();
        app.UseWebSockets();

        // The page is mainWindow: the capabilities grant it the article's channels; the host's (its console, main
        // clicking its buttons) are added in code, as for a child process.
        app.MapIpcBridge(Endpoint, options => options.Accept = _ => new WebRendererOptions
        {
            Name = AppWindows.MainWindowName,
            Kind = EndpointKind.Window,
            Allowlist = HostChannels.ForRenderer,
        });
        app.MapIpcBridgePage("/", Path.Combine(AppContext.BaseDirectory, "wwwroot", "index.html"), Endpoint);
        return app;
    }

    private static HeadlessChromium? OpenPage(WebSettings settings, string url, EndpointConsole mainConsole)
    {
        if (settings.Headless)
        {
            string chromium = HeadlessChromium.Find()
                ?? throw new InvalidOperationException($"--headless needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) or set {HeadlessChromium.PathVariable} to its path.");
            mainConsole.Log($"opening the page in headless Chromium ({chromium})");
            return HeadlessChromium.Start(chromium, url);
        }

        if (!settings.OpenBrowser)
        {
            mainConsole.Log("open the page in a browser (--no-open: not opening one)");
            return null;
        }

        try
        {
            using Process? opened = Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
            mainConsole.Log("opened the page in the default browser");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            mainConsole.Log($"could not open a browser ({ex.Message}): open the page yourself");
        }

        return null;
    }
}

/// <summary>The command line of <c>--web</c>.</summary>
/// <param name="Headless">Run the page in headless Chromium and exit when the scenarios are done.</param>
/// <param name="OpenBrowser">Open the page in the default browser (not with <c>--no-open</c>).</param>
/// <param name="Processes">Run the work endpoint as a child process.</param>
/// <param name="OpenUrls">Really open the URL of scenario a.</param>
/// <param name="Port">The port to listen on; 0 for any free one.</param>
internal sealed record WebSettings(bool Headless, bool OpenBrowser, bool Processes, bool OpenUrls, int Port);
