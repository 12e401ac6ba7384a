using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Compare;

/// <summary>
/// Measures a scenario's series side by side: a warm-up run each, a calibration of each series' count to the run time,
/// then rounds in which every series runs once, in an order that rotates from round to round so no series always
/// follows the same neighbour; each figure compares medians over the rounds.
/// </summary>
public static class PairedRunner
{
    /// <summary>Runs <paramref name="scenario"/> and disposes it.</summary>
    /// <exception cref="TimeoutException">The scenario took longer than <see cref="CompareSettings.ScenarioTimeout"/>.</exception>
    public static async Task<IReadOnlyList<FigureResult>> RunAsync(Scenario scenario, CompareSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(settings);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ScenarioTimeout);
        CancellationToken token = timeout.Token;
        try
        {
            await using (scenario)
            {
                IReadOnlyList<Figure> figures = await scenario.StartAsync(token).WaitAsync(token);
                List<Series> series = figures
                    .SelectMany(f => f.Reference is null ? new[] { f.Subject } : new[] { f.Subject, f.Reference })
                    .Distinct()
                    .ToList();

                var counts = new Dictionary<Series, int>();
                foreach (Series s in series)
                {
                    await RunOnceAsync(s, Math.Min(settings.WarmUpCount, s.MaxCount), token);
                    counts[s] = await CalibrateAsync(s, settings, token);
                }

                var samples = series.ToDictionary(s => s, _ => new List<double>());
                for (int round = 0; round < settings.Rounds; round++)
                {
                    for (int i = 0; i < series.Count; i++)
                    {
                        Series s = series[(i + round) % series.Count];
                        samples[s].Add((await RunOnceAsync(s, counts[s], token)).Value);
                    }
                }

                return figures
                    .Select(f => new FigureResult(f, Median(samples[f.Subject]), f.Reference is null ? null : Median(samples[f.Reference]), samples[f.Subject]))
                    .ToList();
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The scenario '{scenario.Name}' took longer than {settings.ScenarioTimeout.TotalSeconds:0} s.");
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static async Task<int> CalibrateAsync(Series series, CompareSettings settings, CancellationToken cancellationToken)
    {
        if (settings.FixedCount is int fixedCount)
        {
            return Math.Min(fixedCount, series.MaxCount);
        }

        int count = Math.Min(settings.WarmUpCount, series.MaxCount);
        for (int attempt = 0; attempt < 8 && count < series.MaxCount; attempt++)
        {
            TimeSpan elapsed = (await RunOnceAsync(series, count, cancellationToken)).Elapsed;
            if (elapsed >= settings.RunTime * 0.8)
            {
                break;
            }

            // Aim a little past the run time, but grow at most a hundredfold a step: the first runs are the noisiest.
            double factor = Math.Clamp(settings.RunTime.TotalSeconds / Math.Max(elapsed.TotalSeconds, 1e-6) * 1.1, 1.5, 100);
            count = (int)Math.Min(series.MaxCount, Math.Ceiling(count * factor));
        }

        return count;
    }

    private static async Task<(double Value, TimeSpan Elapsed)> RunOnceAsync(Series series, int count, CancellationToken cancellationToken)
    {
        // What the previous run left behind is collected now, not in the middle of this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long start = Stopwatch.GetTimestamp();
        double value = await series.RunAsync(count, cancellationToken).WaitAsync(cancellationToken);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (!double.IsFinite(value) || value < 0)
        {
            throw new InvalidOperationException($"The series '{series.Name}' measured {value} per operation.");
        }

        return (value, elapsed);
    }
}
