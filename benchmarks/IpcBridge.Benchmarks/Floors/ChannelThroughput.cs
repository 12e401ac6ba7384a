using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Floors;

/// <summary>
/// The in-process throughput floor: one writer fills an unbounded single-reader, single-writer channel as fast as it
/// can, and a reader task drains and counts; a run ends when the reader has seen every item.
/// </summary>
public sealed class ChannelThroughput : IAsyncDisposable
{
    private readonly Channel<object> channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly object message = new();
    private readonly Task reading;
    private TaskCompletionSource<bool>? done;
    private int expected;
    private int received;

    public ChannelThroughput()
    {
        this.reading = Task.Run(this.ReadAsync);
    }

    /// <summary>Writes <paramref name="count"/> items and waits until they were read.</summary>
    /// <returns>Seconds per item.</returns>
    public async Task<double> RunAsync(int count, CancellationToken cancellationToken)
    {
        var finished = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        this.received = 0;
        this.expected = count;
        Volatile.Write(ref this.done, finished);
        ChannelWriter<object> writer = this.channel.Writer;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            writer.TryWrite(this.message);
        }

        await finished.Task.WaitAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Like <see cref="RunAsync"/>, measuring the bytes allocated per item (every thread) instead of time.</summary>
    public async Task<double> MeasureAllocationAsync(int count, CancellationToken cancellationToken)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await this.RunAsync(count, cancellationToken);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count;
    }

    public async ValueTask DisposeAsync()
    {
        this.channel.Writer.TryComplete();
        await this.reading;
    }

    private async Task ReadAsync()
    {
        ChannelReader<object> reader = this.channel.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out _))
            {
                if (++this.received == this.expected)
                {
                    Volatile.Read(ref this.done)!.TrySetResult(true);
                }
            }
        }
    }
}
