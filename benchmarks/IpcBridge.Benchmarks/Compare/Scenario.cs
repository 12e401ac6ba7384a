using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Compare;

/// <summary>
/// A group of series that share their set-up (a main process, child processes, a socket) and the figures drawn from
/// them. The runner starts it, measures its series in alternating rounds, and disposes it, children and all.
/// </summary>
public abstract class Scenario : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> resources = new();
    private readonly List<string> notes = new();

    /// <summary>Gets the name that <c>--filter</c> and the smoke test use.</summary>
    public abstract string Name { get; }

    /// <summary>Gets what the scenario observed besides its figures (printed under the table).</summary>
    public IReadOnlyList<string> Notes => this.notes;

    /// <summary>Sets everything up and returns the figures to measure.</summary>
    public abstract Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // In reverse: what was set up last may depend on what came before it.
        for (int i = this.resources.Count - 1; i >= 0; i--)
        {
            await this.resources[i].DisposeAsync();
        }

        this.resources.Clear();
        GC.SuppressFinalize(this);
    }

    protected void Note(string note) => this.notes.Add($"{this.Name}: {note}");

    /// <summary>Keeps <paramref name="resource"/> to dispose with the scenario.</summary>
    protected T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        this.resources.Add(resource);
        return resource;
    }
}
