using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Tests.Processes;

namespace IpcBridge.Tests.Samples;

/// <summary>
/// The sample console host (samples/IpcBridge.Samples.ConsoleHost), run as a process the way users run it: every
/// scenario of the seed article passes, with all endpoints in one process and with the renderer and the work endpoint
/// in child processes.
/// </summary>
public class SampleHostTests
{
    // A whole run takes a second or two; this only bounds a run that hangs.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The lines that show each scenario's value arrived, in the order the scenarios print them.</summary>
    internal static readonly (string Party, string Text)[] KeyLines =
    [
        ("main", "openUrlByDefaultBrowser from mainWindow: https://www.baidu.com"),
        ("renderer", "communicateWithEachOtherReply: I got Hello, ok"),
        ("renderer", "returned: I got Hello sync, ok"),
        ("renderer", "resolved: I got Hello Promise, ok"),
        ("renderer", "update-counter 1: count 0 -> 1"),
        ("renderer", "update-counter 1: count 1 -> 2"),
        ("work", "msgFormRender: I am render"),
        ("renderer", "port: received a MessagePort"),
        ("work", "electronMessagePort.onmessage work: I am render, sendMsgToWorkByMessagePort"),
        ("renderer", "electronMessagePort.onmessage render: I am work, sendMsgToRenderByMessagePort"),
    ];

    [Fact]
    public async Task ConsoleHost_Default_PassesEveryScenarioInOneProcess()
    {
        SampleRun run = await SampleRun.RunAsync();

        run.ExitCode.Should().Be(0, run.Describe());
        run.Output.Should().NotContain("FAILED").And.Contain("All 7 scenarios passed");
        List<TranscriptLine> lines = TranscriptLine.Parse(run.Output, withProcessIds: false);
        lines.Select(l => (l.Party, l.Text)).Should().ContainInOrder(KeyLines, run.Describe());
    }

    [Fact]
    public async Task ConsoleHost_Processes_PassesEveryScenarioWithTheRendererAndWorkInTheirOwnProcesses()
    {
        SampleRun run = await SampleRun.RunAsync("--processes");

        run.ExitCode.Should().Be(0, run.Describe());
        run.Output.Should().NotContain("FAILED").And.Contain("All 7 scenarios passed");
        List<TranscriptLine> lines = TranscriptLine.Parse(run.Output, withProcessIds: true);
        lines.Select(l => (l.Party, l.Text)).Should().ContainInOrder(KeyLines, run.Describe());

        // Each party prints from one process of its own, and main's is the process the test started.
        lines.Where(l => l.Party == "main").Select(l => l.ProcessId).Distinct().Should().Equal([run.ProcessId], run.Describe());
        int renderer = lines.Where(l => l.Party == "renderer").Select(l => l.ProcessId).Distinct().Should().ContainSingle(run.Describe()).Subject;
        int work = lines.Where(l => l.Party == "work").Select(l => l.ProcessId).Distinct().Should().ContainSingle(run.Describe()).Subject;
        new[] { run.ProcessId, renderer, work }.Should().OnlyHaveUniqueItems(run.Describe());
        run.Output.Should().Contain($"created mainWindow (#1, Window, pid {renderer}) and workWindow (#2, Work, pid {work})");

        // Both children ended by themselves once main closed their links, before main exited.
        run.Output.Should().Contain($"mainWindow (pid {renderer}) exited: CleanExit, exit code 0")
            .And.Contain($"workWindow (pid {work}) exited: CleanExit, exit code 0");
        IsRunning(renderer).Should().BeFalse("main waited for the renderer's process to exit");
        IsRunning(work).Should().BeFalse("main waited for the work endpoint's process to exit");
    }

    [Fact]
    public async Task ConsoleHost_Showcase_DemonstratesEveryFeatureAndPasses()
    {
        SampleRun run = await SampleRun.RunAsync("--showcase");

        run.ExitCode.Should().Be(0, run.Describe());
        run.Output.Should().NotContain("FAILED").And.Contain("Every showcase step passed.");
        run.Output.Should().ContainAll(
            "the window answered dialog:confirm with True",
            "dialog:welcome again: IpcInvocationException: No handler registered for 'dialog:welcome'",
            "IpcTimeoutException: No answer on channel 'dialog:hang' within 300 ms.",
            "IpcTimeoutException: No answer on channel 'dialog:hang' within 100 ms.",
            "search: cancelled",
            "System.IO.FileNotFoundException: No such file: settings.json",
            "logs:tail -> log line 5",
            "files:rename -> RenameResult { Renamed = True, Path = /docs/final.txt }",
            "IpcDisconnectedException ended the stream",
            "clock.TicksAsync -> 1, 2, 3",
            "the implementation's CancellationToken was cancelled: True",
            "-> #1 Invoke 'math:add'",
            "ipc.invoke math:add");
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>One line an endpoint printed: <c>    party  [pid]  text</c>.</summary>
    internal sealed record TranscriptLine(string Party, int ProcessId, string Text)
    {
        private static readonly Regex WithProcessId = new(@"^    (main|renderer|work) +(\d+) +(.*)$", RegexOptions.CultureInvariant);
        private static readonly Regex WithoutProcessId = new(@"^    (main|renderer|work) +(.*)$", RegexOptions.CultureInvariant);

        public static List<TranscriptLine> Parse(string output, bool withProcessIds)
        {
            var lines = new List<TranscriptLine>();
            foreach (string line in output.Split('\n'))
            {
                Match m = (withProcessIds ? WithProcessId : WithoutProcessId).Match(line.TrimEnd('\r'));
                if (m.Success)
                {
                    lines.Add(withProcessIds
                        ? new TranscriptLine(m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value)
                        : new TranscriptLine(m.Groups[1].Value, 0, m.Groups[2].Value));
                }
            }

            return lines;
        }
    }

    /// <summary>A finished run of the built sample host.</summary>
    [Fact]
    public async Task ConsoleHost_WebWaitingForItsPage_StopsOnSigterm()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGTERM there; Ctrl+C reaches the same host lifetime.
        }

        // Arrange: the page is never opened, so the host waits for it.
        using Process process = Process.Start(SampleRun.StartInfo("--web", "--no-open")) ?? throw new InvalidOperationException("Could not start the sample host.");
        try
        {
            process.StandardInput.Close();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            var output = new System.Text.StringBuilder();
            while (await process.StandardOutput.ReadLineAsync().WithTimeout("the sample host to print its page's URL") is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith("The page: ", StringComparison.Ordinal))
                {
                    break;
                }
            }

            // Act
            Kill(process.Id, Sigterm).Should().Be(0);

            // Assert: it stops by itself (a service manager's or a terminal's stop), saying why nothing ran.
            output.Append(await process.StandardOutput.ReadToEndAsync().WithTimeout("the sample host's output after SIGTERM"));
            await process.WaitForExitAsync().WithTimeout("the sample host to exit after SIGTERM");
            output.ToString().Should().Contain("Stopped before the page connected", await errors);
            process.ExitCode.Should().Be(1);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private const int Sigterm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    internal sealed record SampleRun(int ProcessId, int ExitCode, string Output, string Errors)
    {
        public static async Task<SampleRun> RunAsync(params string[] arguments)
        {
            using Process process = Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("Could not start the sample host.");
            int processId = process.Id;
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(RunTimeout);
            Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                // The pipes end when main and every child that inherited them have exited.
                await Task.WhenAll(output, errors, process.WaitForExitAsync(timeout.Token));
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"The sample host ({string.Join(' ', arguments)}) did not finish within {RunTimeout.TotalSeconds:0} s.");
            }

            return new SampleRun(processId, process.ExitCode, await output, await errors);
        }

        /// <summary>How the sample host is started: the built assembly, through the same dotnet host, every stream redirected.</summary>
        /// <summary>Gets the path of the built sample host assembly, as the test project records it.</summary>
        public static string AssemblyPath => typeof(SampleHostTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "SampleHostAssembly")?.Value
            ?? throw new InvalidOperationException("The test assembly does not say where the sample host was built (see IpcBridge.Tests.csproj).");

        public static ProcessStartInfo StartInfo(params string[] arguments)
        {
            string assembly = AssemblyPath;
            var startInfo = new ProcessStartInfo
            {
                FileName = TestChild.DotNetHost,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            startInfo.ArgumentList.Add(assembly);
            foreach (string argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            return startInfo;
        }

        public string Describe() => $"the sample host printed:{Environment.NewLine}{this.Output}{Environment.NewLine}and on stderr:{Environment.NewLine}{this.Errors}";
    }
}
