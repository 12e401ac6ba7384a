using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Bridges;

/// <summary>
/// IpcBridge in one process: a <see cref="MainProcess"/> with an echo handler, a counting sink and a drain handler,
/// and one or more renderers (<c>CreateWindowAsync</c>, the in-process transport) that count what main sends them.
/// </summary>
public sealed class InProcessBridge : IAsyncDisposable
{
    private readonly MainProcess main;
    private readonly List<RendererEndpoint> endpoints = new();
    private readonly List<IpcRenderer> renderers = new();
    private readonly ArrivalCounter ticks = new();
    private int sunk;

    private InProcessBridge()
    {
        this.main = new MainProcess();
        this.main.IpcMain.Handle<string, string>(Channels.Echo, (_, value) => value);
        this.main.IpcMain.Handle<byte[], byte[]>(Channels.EchoBytes, (_, value) => value);
        this.main.IpcMain.On<string>(Channels.Sink, (_, value) =>
        {
            // Main's listeners run on its one dispatch loop, so the count needs no lock.
            if (value is not null)
            {
                this.sunk++;
            }
        });
        this.main.IpcMain.Handle<int>(Channels.Drain, (_, _) =>
        {
            int n = this.sunk;
            this.sunk = 0;
            return n;
        });
    }

    public MainProcess Main => this.main;

    /// <summary>Gets the first renderer's <see cref="IpcRenderer"/>, as its preload received it.</summary>
    public IpcRenderer Renderer => this.renderers[0];

    public IReadOnlyList<RendererEndpoint> Endpoints => this.endpoints;

    public static async Task<InProcessBridge> StartAsync(int rendererCount, CancellationToken cancellationToken)
    {
        var bridge = new InProcessBridge();
        try
        {
            for (int i = 0; i < rendererCount; i++)
            {
                int index = i;
                RendererEndpoint endpoint = await bridge.main.CreateWindowAsync(
                    new RendererOptions
                    {
                        Name = $"renderer-{i}",
                        Allowlist = ChannelAllowlist.AllowAll(),
                        Preload = (ipc, _) =>
                        {
                            bridge.renderers.Add(ipc);
                            ipc.On<string>(Channels.Tick, (_, value) =>
                            {
                                if (value is not null)
                                {
                                    bridge.ticks.Hit(index);
                                }
                            });
                        },
                    },
                    cancellationToken);
                bridge.endpoints.Add(endpoint);
            }

            return bridge;
        }
        catch
        {
            await bridge.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="count"/> sequential invokes of main's echo handler from the first renderer.</summary>
    /// <returns>Seconds per invoke.</returns>
    public async Task<double> InvokeAsync(int count, string payload, CancellationToken cancellationToken)
    {
        IpcRenderer ipc = this.Renderer;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string echoed = await ipc.InvokeAsync<string>(Channels.Echo, payload);
            if (echoed.Length != payload.Length)
            {
                throw new InvalidOperationException("Main echoed something else.");
            }
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Runs <paramref name="count"/> sequential invokes of main's byte echo from the first renderer.</summary>
    /// <returns>Seconds per invoke.</returns>
    public async Task<double> InvokeBytesAsync(int count, byte[] payload, CancellationToken cancellationToken)
    {
        IpcRenderer ipc = this.Renderer;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] echoed = await ipc.InvokeAsync<byte[]>(Channels.EchoBytes, payload);
            if (echoed.Length != payload.Length)
            {
                throw new InvalidOperationException("Main echoed something else.");
            }
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Sends <paramref name="count"/> messages from the first renderer to main, then one drain invoke that proves they arrived.</summary>
    /// <returns>Seconds per message.</returns>
    public async Task<double> SendAsync(int count, string payload, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        await this.SendAndDrainAsync(count, payload, cancellationToken);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Like <see cref="SendAsync"/>, measuring the bytes allocated per message by every thread of the process.</summary>
    public async Task<double> MeasureSendAllocationAsync(int count, string payload, CancellationToken cancellationToken)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await this.SendAndDrainAsync(count, payload, cancellationToken);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count;
    }

    /// <summary>Main broadcasts <paramref name="count"/> messages; the run ends when every renderer has read them all.</summary>
    /// <returns>Seconds per broadcast.</returns>
    public async Task<double> BroadcastAsync(int count, string payload, CancellationToken cancellationToken)
    {
        Task arrived = this.ticks.Begin(this.endpoints.Count, count);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            this.main.Broadcast(Channels.Tick, payload);
        }

        await arrived.WaitAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    /// <summary>Main sends <paramref name="count"/> messages to the first renderer with <c>WebContents.Send</c>; the run ends when it has read them.</summary>
    /// <returns>Seconds per send.</returns>
    public async Task<double> SendToOneAsync(int count, string payload, CancellationToken cancellationToken)
    {
        Task arrived = this.ticks.Begin(1, count);
        WebContents target = this.endpoints[0].WebContents;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            target.Send(Channels.Tick, payload);
        }

        await arrived.WaitAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / count;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RendererEndpoint endpoint in this.endpoints)
        {
            await endpoint.DisposeAsync();
        }

        await this.main.DisposeAsync();
    }

    private async Task SendAndDrainAsync(int count, string payload, CancellationToken cancellationToken)
    {
        IpcRenderer ipc = this.Renderer;
        for (int i = 0; i < count; i++)
        {
            ipc.Send(Channels.Sink, payload);
        }

        // Main dispatches a link's frames in order, so the drain runs after every message before it.
        int arrived = await ipc.InvokeAsync<int>(Channels.Drain).WaitAsync(cancellationToken);
        if (arrived != count)
        {
            throw new InvalidOperationException($"Main received {arrived} of {count} messages before the drain.");
        }
    }
}
