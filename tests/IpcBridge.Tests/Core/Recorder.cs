using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

/// <summary>
/// Keeps what listeners on any thread saw, in arrival order, and lets a test await a condition on it (with the
/// <see cref="Signal"/> timeout) instead of sleeping.
/// </summary>
/// <typeparam name="T">What is recorded.</typeparam>
public sealed class Recorder<T>
{
    private readonly object gate = new();
    private readonly List<T> items = new();
    private readonly List<(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource<bool> Done)> waiters = new();

    /// <summary>Gets a snapshot of what was recorded so far.</summary>
    public IReadOnlyList<T> Items
    {
        get
        {
            lock (this.gate)
            {
                return this.items.ToArray();
            }
        }
    }

    public void Add(T item)
    {
        var ready = new List<TaskCompletionSource<bool>>();
        lock (this.gate)
        {
            this.items.Add(item);
            for (int i = this.waiters.Count - 1; i >= 0; i--)
            {
                if (this.waiters[i].Condition(this.items))
                {
                    ready.Add(this.waiters[i].Done);
                    this.waiters.RemoveAt(i);
                }
            }
        }

        foreach (TaskCompletionSource<bool> done in ready)
        {
            done.TrySetResult(true);
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds for what was recorded; fails after the signal timeout.</summary>
    public Task WaitUntil(Func<IReadOnlyList<T>, bool> condition, string what)
    {
        TaskCompletionSource<bool> done = Signal.Create<bool>();
        lock (this.gate)
        {
            if (condition(this.items))
            {
                return Task.CompletedTask;
            }

            this.waiters.Add((condition, done));
        }

        return done.Task.WithTimeout(what);
    }

    public Task WaitForCount(int count) => this.WaitUntil(l => l.Count >= count, $"{count} recorded item(s)");

    public Task WaitFor(T item) => this.WaitUntil(l => l.Contains(item), $"'{item}' to be recorded");
}
