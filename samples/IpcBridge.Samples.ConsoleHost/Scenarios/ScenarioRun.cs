using System;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>One run of a <see cref="Scenario"/>: waits for lines printed since it started, each within a timeout.</summary>
internal sealed class ScenarioRun
{
    private readonly Transcript transcript;
    private readonly TimeSpan timeout;
    private readonly int since;

    public ScenarioRun(Transcript transcript, TimeSpan timeout)
    {
        this.transcript = transcript;
        this.timeout = timeout;
        this.since = transcript.Mark();
    }

    /// <summary>Waits until <paramref name="party"/> prints exactly <paramref name="text"/>.</summary>
    /// <param name="party">Who should print it.</param>
    /// <param name="text">The exact line, with the value that should have arrived.</param>
    /// <returns>A task that completes when the line is printed.</returns>
    /// <exception cref="TimeoutException">The line was not printed in time.</exception>
    public Task ExpectAsync(string party, string text) => this.transcript.ExpectAsync(party, text, this.since, this.timeout);

    /// <summary>Waits until <paramref name="party"/> prints a line starting with <paramref name="prefix"/>.</summary>
    /// <param name="party">Who should print it.</param>
    /// <param name="prefix">The start of the line.</param>
    /// <returns>A task that completes when such a line is printed.</returns>
    /// <exception cref="TimeoutException">No such line was printed in time.</exception>
    public Task ExpectStartingWithAsync(string party, string prefix)
        => this.transcript.ExpectAsync(party, line => line.StartsWith(prefix, StringComparison.Ordinal), $"a line starting with \"{prefix}\"", this.since, this.timeout);
}
