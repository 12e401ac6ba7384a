using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The system's Chromium, started headless on the page's URL (<c>--web --headless</c>), as a test driver would. The
/// sample clicks the page's buttons over IPC (<see cref="RemotePage"/>), so it needs no browser automation library.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Set it to the path of a Chromium or Chrome executable to use that one.</summary>
    public const string PathVariable = "IPCBRIDGE_CHROMIUM";

    private readonly Process process;
    private readonly string profile;

    private HeadlessChromium(Process process, string profile)
    {
        this.process = process;
        this.profile = profile;
    }

    /// <summary>Finds Chromium: <see cref="PathVariable"/>, else <c>chromium</c>, <c>chromium-browser</c> or <c>google-chrome</c> on the PATH.</summary>
    /// <returns>Its path, or <see langword="null"/>.</returns>
    public static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Starts Chromium headless on <paramref name="url"/>, with a fresh profile that is deleted afterwards.</summary>
    /// <param name="executable">Chromium's path.</param>
    /// <param name="url">The page.</param>
    /// <returns>The running browser.</returns>
    public static HeadlessChromium Start(string executable, string url)
    {
        string profile = Path.Combine(Path.GetTempPath(), "ipcbridge-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (string arg in Arguments(profile))
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.ArgumentList.Add(url);
        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {executable}.");

        // Chromium's own chatter (GPU, D-Bus) is not the sample's: drain it so the browser never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HeadlessChromium(process, profile);
    }

    /// <summary>The command line of a quiet headless Chromium that talks to nothing but the page it is given.</summary>
    /// <param name="profile">A fresh user data directory.</param>
    /// <returns>The arguments.</returns>
    public static IEnumerable<string> Arguments(string profile) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
    ];

    /// <summary>Gets a task that completes if the browser exits.</summary>
    public Task Exited => this.process.WaitForExitAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!this.process.HasExited)
            {
                this.process.Kill(entireProcessTree: true);
            }

            await this.process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        this.process.Dispose();
        try
        {
            Directory.Delete(this.profile, recursive: true);
        }
        catch (IOException)
        {
            // A crash helper may still hold a file for a moment; the temporary folder is cleaned up by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
