using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Scenarios;

namespace IpcBridge.Benchmarks.Compare;

/// <summary>
/// <c>compare [--quick | --smoke] [--rounds n] [--filter text]</c>: runs every scenario (or those whose name contains the text), printing a
/// Markdown table row per figure as it is measured, then the whole table and the count of targets met and missed.
/// </summary>
public static class CompareCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        CompareSettings settings = CompareSettings.Full;
        string? filter = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    settings = CompareSettings.Quick;
                    break;
                case "--smoke":
                    settings = CompareSettings.Smoke;
                    break;
                case "--filter" when i + 1 < args.Length:
                    filter = args[++i];
                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out int rounds) && rounds > 0:
                    // More rounds: a run long enough to attach a profiler or counters to.
                    settings = new CompareSettings { Rounds = rounds, RunTime = settings.RunTime, FixedCount = settings.FixedCount, WarmUpCount = settings.WarmUpCount, ScenarioTimeout = TimeSpan.FromHours(1) };
                    i++;
                    break;
                default:
                    await output.WriteLineAsync($"unknown argument '{args[i]}'; usage: compare [--quick | --smoke] [--rounds n] [--filter text]");
                    return 2;
            }
        }

        IReadOnlyList<Scenario> scenarios = CompareScenarios.Create()
            .Where(s => filter is null || s.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .ToList();
        await output.WriteLineAsync(Describe(settings, args));
        await output.WriteLineAsync();
        await output.WriteLineAsync(FigureResult.Header);
        await output.WriteLineAsync(FigureResult.Rule);
        var results = new List<FigureResult>();
        var failed = new List<string>();
        var notes = new List<string>();
        long start = Stopwatch.GetTimestamp();
        foreach (Scenario scenario in scenarios)
        {
            try
            {
                foreach (FigureResult result in await PairedRunner.RunAsync(scenario, settings, cancellationToken))
                {
                    results.Add(result);
                    await output.WriteLineAsync(result.ToTableRow());
                    if (result.DescribeModes() is string modes && !notes.Contains(modes))
                    {
                        notes.Add(modes);
                    }
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A scenario that fails (a child that did not start, a peer that broke) is reported as such; the others still run.
                failed.Add(scenario.Name);
                await output.WriteLineAsync($"| {scenario.Name} | failed: {ex.GetType().Name}: {ex.Message} | | | | FAILED |");
            }

            notes.AddRange(scenario.Notes);
        }

        if (notes.Count > 0)
        {
            await output.WriteLineAsync();
            foreach (string note in notes)
            {
                await output.WriteLineAsync($"- {note}");
            }
        }

        int met = results.Count(r => r.Met == true);
        int missed = results.Count(r => r.Met == false);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"{met} targets met, {missed} missed, {results.Count(r => r.Met is null)} figures for orientation, {failed.Count} scenarios failed; {Stopwatch.GetElapsedTime(start).TotalSeconds:0} s.");
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>Returns the run's header: the machine, the runtime and the settings.</summary>
    public static string Describe(CompareSettings settings, IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string count = settings.FixedCount is int n ? $"{n} operations a run" : $"runs calibrated to {settings.RunTime.TotalMilliseconds:0} ms";
        return $"IpcBridge compare {string.Join(' ', args)}".TrimEnd() + Environment.NewLine
            + $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, "
            + $"{settings.Rounds} alternating rounds, {count}; medians.";
    }
}
