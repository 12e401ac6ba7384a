using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>Runs scenarios one after another and reports which failed.</summary>
internal sealed class ScenarioRunner
{
    private readonly Transcript transcript;
    private readonly TimeSpan timeout;

    public ScenarioRunner(Transcript transcript, TimeSpan timeout)
    {
        this.transcript = transcript;
        this.timeout = timeout;
    }

    /// <summary>Runs every scenario, in order, going on after a failure so one run shows every problem.</summary>
    /// <param name="scenarios">The scenarios.</param>
    /// <returns>One line per failed scenario; empty when all passed.</returns>
    public async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<Scenario> scenarios)
    {
        var failures = new List<string>();
        foreach (Scenario scenario in scenarios)
        {
            this.transcript.WriteLine();
            this.transcript.WriteLine($"[{scenario.Id}] {scenario.Title}");
            try
            {
                await scenario.RunAsync(new ScenarioRun(this.transcript, this.timeout));
                this.transcript.WriteLine("    passed");
            }
            catch (Exception ex)
            {
                // Whatever a scenario throws is its failure to report; the next scenario still runs.
                string reason = ex is TimeoutException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
                this.transcript.WriteLine($"    FAILED: {reason}");
                failures.Add($"[{scenario.Id}] {reason}");
            }
        }

        return failures;
    }
}
