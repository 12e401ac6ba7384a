using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// What every endpoint of the sample prints, in order, with who printed it. It is the article's devtools consoles
/// side by side, and it is how the scenarios check their results: a scenario waits for the exact line it expects
/// (with the value that arrived in it), so a run never sleeps and never passes on a value that did not arrive.
/// </summary>
/// <remarks>Thread-safe: endpoints print from their own dispatch loops.</remarks>
internal sealed class Transcript
{
    private readonly object gate = new();
    private readonly List<(string Party, string Text)> lines = new();
    private readonly List<Waiter> waiters = new();
    private readonly TextWriter output;
    private readonly bool showProcessIds;

    /// <summary>Creates a transcript.</summary>
    /// <param name="output">Where the lines go.</param>
    /// <param name="showProcessIds">Whether each line shows the id of the process that printed it (when endpoints run in child processes).</param>
    public Transcript(TextWriter output, bool showProcessIds = false)
    {
        this.output = output;
        this.showProcessIds = showProcessIds;
    }

    /// <summary>Gets the console a party in this process prints to (its <c>console.log</c>).</summary>
    /// <param name="party">Who prints: one of <see cref="Party"/>.</param>
    /// <returns>The party's console.</returns>
    public EndpointConsole For(string party) => new(text => this.Write(party, Environment.ProcessId, text));

    /// <summary>Gets the position of the next line, to wait only for lines printed from now on.</summary>
    /// <returns>The position.</returns>
    public int Mark()
    {
        lock (this.gate)
        {
            return this.lines.Count;
        }
    }

    /// <summary>Prints a line that is not an endpoint's (headings, results).</summary>
    /// <param name="text">The text.</param>
    public void WriteLine(string text = "")
    {
        lock (this.gate)
        {
            this.output.WriteLine(text);
        }
    }

    /// <summary>Prints a line for <paramref name="party"/> and releases whoever waits for it.</summary>
    /// <param name="party">Who prints.</param>
    /// <param name="processId">The id of the process it runs in.</param>
    /// <param name="text">What it prints.</param>
    public void Write(string party, int processId, string text)
    {
        lock (this.gate)
        {
            this.lines.Add((party, text));
            this.output.WriteLine(this.showProcessIds ? $"    {party,-9} {processId,-7} {text}" : $"    {party,-9} {text}");
            this.waiters.RemoveAll(w => w.TryComplete(party, text));
        }
    }

    /// <summary>Waits until <paramref name="party"/> prints exactly <paramref name="text"/> at or after <paramref name="since"/>.</summary>
    /// <param name="party">Who should print it.</param>
    /// <param name="text">The exact line.</param>
    /// <param name="since">A position from <see cref="Mark"/>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that completes when the line is printed.</returns>
    /// <exception cref="TimeoutException">The line was not printed in time.</exception>
    public Task ExpectAsync(string party, string text, int since, TimeSpan timeout)
        => this.ExpectAsync(party, line => line == text, $"\"{text}\"", since, timeout);

    /// <summary>Waits until <paramref name="party"/> prints a line that <paramref name="match"/> accepts, at or after <paramref name="since"/>.</summary>
    /// <param name="party">Who should print it.</param>
    /// <param name="match">Accepts the expected line.</param>
    /// <param name="description">The expected line, for the timeout message.</param>
    /// <param name="since">A position from <see cref="Mark"/>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that completes when such a line is printed.</returns>
    /// <exception cref="TimeoutException">No such line was printed in time.</exception>
    public async Task ExpectAsync(string party, Predicate<string> match, string description, int since, TimeSpan timeout)
    {
        var waiter = new Waiter(party, match);
        lock (this.gate)
        {
            // The line may already be there: a reply can outrun the code that waits for it.
            for (int i = since; i < this.lines.Count; i++)
            {
                if (waiter.TryComplete(this.lines[i].Party, this.lines[i].Text))
                {
                    return;
                }
            }

            this.waiters.Add(waiter);
        }

        try
        {
            await waiter.Printed.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (this.gate)
            {
                this.waiters.Remove(waiter);
            }

            throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {party} to print {description}");
        }
    }

    private sealed class Waiter
    {
        private readonly string party;
        private readonly Predicate<string> match;
        private readonly TaskCompletionSource printed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Waiter(string party, Predicate<string> match)
        {
            this.party = party;
            this.match = match;
        }

        public Task Printed => this.printed.Task;

        public bool TryComplete(string party, string text)
            => party == this.party && this.match(text) && this.printed.TrySetResult();
    }
}
