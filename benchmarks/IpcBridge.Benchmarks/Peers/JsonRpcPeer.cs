using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Processes;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace IpcBridge.Benchmarks.Peers;

/// <summary>
/// The peer: a StreamJsonRpc client (defaults: header-delimited messages, JSON formatter) whose server is an
/// <see cref="EchoService"/> either in this process over <c>FullDuplexStream.CreatePair</c> or in a child process
/// (<see cref="ChildRoles.JsonRpc"/>) over a Unix domain socket.
/// </summary>
public sealed class JsonRpcPeer : IAsyncDisposable
{
    private readonly JsonRpc client;
    private readonly JsonRpc? server;
    private readonly ChildProcess? child;
    private readonly LocalSocketListener? listener;

    private JsonRpcPeer(JsonRpc client, JsonRpc? server, ChildProcess? child, LocalSocketListener? listener)
    {
        this.client = client;
        this.server = server;
        this.child = child;
        this.listener = listener;
    }

    public static JsonRpcPeer StartInProcess()
    {
        (Stream clientStream, Stream serverStream) = FullDuplexStream.CreatePair();
        JsonRpc server = JsonRpc.Attach(serverStream, new EchoService());
        JsonRpc client = JsonRpc.Attach(clientStream);
        return new JsonRpcPeer(client, server, null, null);
    }

    public static async Task<JsonRpcPeer> StartChildAsync(CancellationToken cancellationToken)
    {
        LocalSocketListener listener = LocalSocketListener.Create();
        ChildProcess? child = null;
        try
        {
            child = ChildProcess.Start(ChildRoles.JsonRpc, listener.Path);
            Socket socket = await listener.AcceptAsync(child, cancellationToken);
            JsonRpc client = JsonRpc.Attach(new NetworkStream(socket, ownsSocket: true));
            return new JsonRpcPeer(client, null, child, listener);
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

    /// <summary>One <c>InvokeAsync("Echo", payload)</c> call.</summary>
    public Task<string> InvokeOnceAsync(string payload) => this.client.InvokeAsync<string>(nameof(EchoService.Echo), payload);

    /// <summary>Runs <paramref name="count"/> sequential <c>InvokeAsync("Echo", payload)</c> calls.</summary>
    /// <returns>Seconds per call.</returns>
    public async Task<double> InvokeAsync(int count, string payload, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string echoed = await this.client.InvokeAsync<string>(nameof(EchoService.Echo), payload);
            if (echoed.Length != payload.Length)
            {
                throw new InvalidOperationException("StreamJsonRpc echoed something else.");
            }
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Sends <paramref name="count"/> <c>NotifyAsync("Sink", payload)</c> notifications, then one call that counts them.</summary>
    /// <returns>Seconds per notification.</returns>
    public async Task<double> NotifyAsync(int count, string payload, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await this.client.NotifyAsync(nameof(EchoService.Sink), payload);
        }

        int arrived = await this.client.InvokeAsync<int>(nameof(EchoService.Drain));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (arrived != count)
        {
            throw new InvalidOperationException($"StreamJsonRpc delivered {arrived} of {count} notifications before the call that followed them.");
        }

        return seconds / count;
    }

    public async ValueTask DisposeAsync()
    {
        this.client.Dispose();
        this.server?.Dispose();
        if (this.child is not null)
        {
            // The child's server ends when the socket does.
            await this.child.DisposeAsync();
        }

        this.listener?.Dispose();
    }
}
