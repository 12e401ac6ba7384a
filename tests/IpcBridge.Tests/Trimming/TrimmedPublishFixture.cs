using System;
using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Processes;

namespace IpcBridge.Tests.Trimming;

/// <summary>
/// Publishes tests/IpcBridge.TrimTest trimmed and self-contained for this machine's runtime, once for the test class,
/// into a temporary folder (its own bin and obj too, so the repository's build output is never touched).
/// </summary>
public sealed class TrimmedPublishFixture : IAsyncLifetime
{
    /// <summary>Publishing restores the runtime pack and the trimmer from the package feed the first time; then it takes a minute or so.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);

    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private readonly string root = Path.Combine(Path.GetTempPath(), "ipcbridge-trim-" + Guid.NewGuid().ToString("N"));

    public string RuntimeIdentifier { get; } = RuntimeInformation.RuntimeIdentifier;

    public ProcessResult Publish { get; private set; } = null!;

    public string AppPath => Path.Combine(this.root, "app", OperatingSystem.IsWindows() ? "IpcBridge.TrimTest.exe" : "IpcBridge.TrimTest");

    public async Task InitializeAsync()
    {
        string project = Path.Combine(FindRepositoryRoot(), "tests", "IpcBridge.TrimTest", "IpcBridge.TrimTest.csproj");
        var info = new ProcessStartInfo(TestChild.DotNetHost)
        {
            ArgumentList =
            {
                "publish", project,
                "-c", "Release",
                "-r", this.RuntimeIdentifier,
                "--self-contained",
                "--artifacts-path", Path.Combine(this.root, "artifacts"),
                "-o", Path.Combine(this.root, "app"),
                // Build servers would outlive the command holding its output open.
                "--disable-build-servers",
                "-nologo",
            },
        };
        this.Publish = await ProcessResult.RunAsync(info, PublishTimeout);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(this.root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing the run for.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Task.CompletedTask;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IpcBridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No IpcBridge.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>What a finished (or killed) process printed, and its exit code.</summary>
public sealed class ProcessResult
{
    private ProcessResult(int exitCode, string output, bool timedOut)
    {
        this.ExitCode = exitCode;
        this.Output = output;
        this.TimedOut = timedOut;
    }

    public int ExitCode { get; }

    /// <summary>Gets standard output and standard error, interleaved as they arrived.</summary>
    public string Output { get; }

    public bool TimedOut { get; }

    public static async Task<ProcessResult> RunAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;

        // The test host's own MSBuild settings must not leak into a separate build.
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (((string)variable.Key).StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove((string)variable.Key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString(), timedOut);
        }
    }

    public override string ToString() => $"exit code {this.ExitCode}{(this.TimedOut ? " (killed after the time limit)" : string.Empty)}, output:{Environment.NewLine}{this.Output}";

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
