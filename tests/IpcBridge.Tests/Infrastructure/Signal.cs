using System;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Tests.Infrastructure;

/// <summary>Awaiting what another thread produces, with a timeout that fails the test instead of hanging it.</summary>
public static class Signal
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TaskCompletionSource<T> Create<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<T> WithTimeout<T>(this Task<T> task, string? what = null)
    {
        try
        {
            return await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for {what ?? "a signal"}.");
        }
    }

    public static async Task WithTimeout(this Task task, string? what = null)
    {
        try
        {
            await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for {what ?? "a signal"}.");
        }
    }

    /// <summary>Reads <paramref name="items"/>, failing the test when any one item takes longer than <see cref="Timeout"/>.</summary>
    public static async System.Collections.Generic.IAsyncEnumerable<T> WithTimeout<T>(this System.Collections.Generic.IAsyncEnumerable<T> items)
    {
        await using System.Collections.Generic.IAsyncEnumerator<T> reader = items.GetAsyncEnumerator();
        while (await reader.MoveNextAsync().AsTask().WithTimeout("the next item of a stream"))
        {
            yield return reader.Current;
        }
    }

    /// <summary>Completes when <paramref name="count"/> items arrived.</summary>
    public sealed class Countdown
    {
        private readonly TaskCompletionSource<bool> done = Create<bool>();
        private int remaining;

        public Countdown(int count) => this.remaining = count;

        public Task Task => this.done.Task;

        public void Signal()
        {
            if (Interlocked.Decrement(ref this.remaining) == 0)
            {
                this.done.TrySetResult(true);
            }
        }
    }
}
