using System;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Processes;

namespace IpcBridge.Benchmarks.Floors;

/// <summary>
/// The cross-process floor: this process and an echo child (<see cref="ChildRoles.SocketEcho"/>) on one Unix domain
/// socket, exchanging length-prefixed frames with plain async socket calls and nothing else. A blocking floor (both
/// sides in blocking calls on one thread each, no thread pool) shows what the kernel alone costs; no library that
/// serves many links from the thread pool reaches it, so the targets are set against the async floor.
/// </summary>
public sealed class SocketFloor : IAsyncDisposable
{
    /// <summary>Small frames per write in the batched throughput run.</summary>
    public const int BatchSize = 64;

    private readonly LocalSocketListener listener;
    private readonly ChildProcess child;
    private readonly Socket socket;
    private readonly byte[] ping = SocketFrames.Create(SocketFrames.SmallMessageSize, SocketFrames.Echo);
    private readonly byte[] batch = SocketFrames.CreateBatch(BatchSize, SocketFrames.Consume);
    private readonly byte[] reply = new byte[SocketFrames.SmallMessageSize];
    private byte[]? large;
    private byte[]? largeReply;

    private SocketFloor(LocalSocketListener listener, ChildProcess child, Socket socket, bool blocking)
    {
        this.listener = listener;
        this.child = child;
        this.socket = socket;
        this.Blocking = blocking;
    }

    /// <summary>Gets a value indicating whether both sides use blocking calls (only <see cref="PingPongAsync"/> differs).</summary>
    public bool Blocking { get; }

    public static Task<SocketFloor> StartAsync(CancellationToken cancellationToken) => StartAsync(blocking: false, cancellationToken);

    public static async Task<SocketFloor> StartAsync(bool blocking, CancellationToken cancellationToken)
    {
        LocalSocketListener listener = LocalSocketListener.Create();
        ChildProcess? child = null;
        try
        {
            child = blocking
                ? ChildProcess.Start(ChildRoles.SocketEcho, listener.Path, SocketEchoChild.BlockingOption)
                : ChildProcess.Start(ChildRoles.SocketEcho, listener.Path);
            Socket socket = await listener.AcceptAsync(child, cancellationToken);
            return new SocketFloor(listener, child, socket, blocking);
        }
        catch
        {
            if (child is not null)
            {
                ChildProcess.Kill(child.Process);
                await child.DisposeAsync();
            }

            listener.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="count"/> round trips of a 64-byte frame.</summary>
    /// <returns>Seconds per round trip.</returns>
    public async Task<double> PingPongAsync(int count, CancellationToken cancellationToken)
    {
        if (this.Blocking)
        {
            return this.PingPongBlocking(count);
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            await this.RoundTripAsync(this.ping, this.reply, cancellationToken);
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Writes <paramref name="count"/> 64-byte frames, <see cref="BatchSize"/> a write, then one round trip to know they arrived.</summary>
    /// <returns>Seconds per frame.</returns>
    public async Task<double> ThroughputAsync(int count, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        for (int left = count; left > 0; left -= BatchSize)
        {
            int frames = Math.Min(left, BatchSize);
            await this.SendAllAsync(this.batch.AsMemory(0, frames * SocketFrames.SmallMessageSize), cancellationToken);
        }

        await this.RoundTripAsync(this.ping, this.reply, cancellationToken);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Streams a frame of <paramref name="size"/> payload bytes to the child and back, <paramref name="count"/> times.</summary>
    /// <returns>Seconds per round trip (each moves the payload both ways).</returns>
    public async Task<double> EchoLargeAsync(int count, int size, CancellationToken cancellationToken)
    {
        if (this.large is null || this.large.Length != size + SocketFrames.PrefixSize)
        {
            this.large = SocketFrames.Create(size + SocketFrames.PrefixSize, SocketFrames.Echo);
            this.largeReply = new byte[this.large.Length];
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            await this.RoundTripAsync(this.large, this.largeReply!, cancellationToken);
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    public async ValueTask DisposeAsync()
    {
        // The child ends when its socket does.
        this.socket.Dispose();
        await this.child.DisposeAsync();
        this.listener.Dispose();
    }

    private double PingPongBlocking(int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            this.socket.Send(this.ping);
            int read = 0;
            while (read < this.reply.Length)
            {
                int n = this.socket.Receive(this.reply.AsSpan(read));
                read += n > 0 ? n : throw new InvalidOperationException($"The {this.child} closed the socket.");
            }
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    private async Task RoundTripAsync(byte[] frame, byte[] answer, CancellationToken cancellationToken)
    {
        await this.SendAllAsync(frame, cancellationToken);
        int read = 0;
        while (read < answer.Length)
        {
            int n = await this.socket.ReceiveAsync(answer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new InvalidOperationException($"The {this.child} closed the socket.");
            }

            read += n;
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int n = await this.socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes.Slice(n);
        }
    }
}
