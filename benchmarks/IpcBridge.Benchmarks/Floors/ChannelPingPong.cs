using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Floors;

/// <summary>
/// The in-process latency floor: two unbounded single-reader, single-writer channels and an echo task between them. A
/// round trip is a write, the echo task waking to read it and write it back, and the caller waking to read the echo.
/// </summary>
public sealed class ChannelPingPong : IAsyncDisposable
{
    private static readonly UnboundedChannelOptions Options = new() { SingleReader = true, SingleWriter = true };

    private readonly Channel<object> requests = Channel.CreateUnbounded<object>(Options);
    private readonly Channel<object> replies = Channel.CreateUnbounded<object>(Options);
    private readonly object message = new();
    private readonly Task echo;

    public ChannelPingPong()
    {
        this.echo = Task.Run(this.EchoAsync);
    }

    /// <summary>Runs <paramref name="count"/> round trips.</summary>
    /// <returns>Seconds per round trip.</returns>
    public async Task<double> RunAsync(int count, CancellationToken cancellationToken)
    {
        ChannelWriter<object> writer = this.requests.Writer;
        ChannelReader<object> reader = this.replies.Reader;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            writer.TryWrite(this.message);
            await reader.ReadAsync(cancellationToken);
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>One round trip.</summary>
    public ValueTask<object> RoundTripAsync()
    {
        this.requests.Writer.TryWrite(this.message);
        return this.replies.Reader.ReadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        this.requests.Writer.TryComplete();
        await this.echo;
    }

    private async Task EchoAsync()
    {
        ChannelReader<object> reader = this.requests.Reader;
        ChannelWriter<object> writer = this.replies.Writer;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out object? item))
            {
                writer.TryWrite(item);
            }
        }
    }
}
