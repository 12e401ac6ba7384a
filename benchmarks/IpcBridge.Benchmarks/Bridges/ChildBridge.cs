using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Processes;

namespace IpcBridge.Benchmarks.Bridges;

/// <summary>
/// IpcBridge across processes: this process is main (echo handler, counting sink, drain, and listeners that forward
/// between the renderer and the work endpoint), and each endpoint is this program relaunched with
/// <see cref="ChildRoles.Renderer"/> through <c>MainProcess.LaunchAsync</c>. The children time their own loops and
/// report per-operation seconds; disposing main closes their links and reaps them.
/// </summary>
public sealed class ChildBridge : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private const int PortAttempts = 5;

    private readonly MainProcess main;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<bool>> ready = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<bool>> portReady = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<RunResult>> runs = new();
    private readonly List<WebContents> children = new();
    private long lastRun;
    private int sunk;

    private ChildBridge()
    {
        this.main = new MainProcess();
        IpcMain ipcMain = this.main.IpcMain;
        ipcMain.Handle<string, string>(Channels.Echo, (_, value) => value);
        ipcMain.Handle<byte[], byte[]>(Channels.EchoBytes, (_, value) => value);
        ipcMain.On<string>(Channels.Sink, (_, value) =>
        {
            if (value is not null)
            {
                this.sunk++;
            }
        });
        ipcMain.Handle<int>(Channels.Drain, (_, _) =>
        {
            int n = this.sunk;
            this.sunk = 0;
            return n;
        });
        ipcMain.On(Channels.Ready, (e, _) => Signal(this.ready, e.Sender.Id));
        ipcMain.On(Channels.PortReady, (e, _) => Signal(this.portReady, e.Sender.Id));
        ipcMain.On<RunResult>(Channels.RunDone, (_, result) =>
        {
            if (this.runs.TryRemove(result.Id, out TaskCompletionSource<RunResult>? run))
            {
                run.TrySetResult(result);
            }
        });
        ipcMain.On<string>(Channels.ForwardOut, (_, value) => this.Work.Send(Channels.ForwardIn, value));
        ipcMain.On<string>(Channels.ForwardBack, (_, value) => this.Renderer.Send(Channels.ForwardReply, value));
    }

    /// <summary>Gets the first child: a renderer (<see cref="EndpointKind.Window"/>).</summary>
    public WebContents Renderer => this.children[0];

    /// <summary>Gets the second child: a work endpoint (<see cref="EndpointKind.Work"/>).</summary>
    public WebContents Work => this.children[1];

    /// <summary>Launches a renderer child, and a work child when <paramref name="withWork"/>, and waits until their preloads ran.</summary>
    public static async Task<ChildBridge> StartAsync(bool withWork, CancellationToken cancellationToken)
    {
        var bridge = new ChildBridge();
        try
        {
            await bridge.LaunchAsync(EndpointKind.Window, "renderer", cancellationToken);
            if (withWork)
            {
                await bridge.LaunchAsync(EndpointKind.Work, "work", cancellationToken);
            }

            return bridge;
        }
        catch
        {
            await bridge.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets how many port pairs <see cref="ConnectPortsAsync"/> gave up on before one carried a round trip.</summary>
    public int AbandonedPortPairs { get; private set; }

    /// <summary>
    /// Gives the renderer and the work endpoint the two ends of a <see cref="MessageChannelMain"/>: the renderer's end
    /// times round trips, the work endpoint's end echoes. Main brokers a direct link between the two children; this
    /// waits until the pair has moved onto it and one round trip went through.
    /// </summary>
    /// <remarks>
    /// A pair that does not carry its first round trip (as happened while a move could race the partner's fence) is
    /// abandoned and a new one posted, so the figures always measure a working direct link, and the run says so.
    /// </remarks>
    /// <exception cref="InvalidOperationException">No pair carried a round trip in <see cref="PortAttempts"/> attempts.</exception>
    public async Task ConnectPortsAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var channel = new MessageChannelMain();
            Task rendererReady = Renew(this.portReady, this.Renderer.Id);
            Task workReady = Renew(this.portReady, this.Work.Id);
            this.Renderer.PostMessage(Channels.Port, PortRoles.Ping, new[] { channel.Port1 });
            this.Work.PostMessage(Channels.Port, PortRoles.Echo, new[] { channel.Port2 });
            await Task.WhenAll(rendererReady, workReady).WaitAsync(ReadyTimeout, cancellationToken);

            // The move onto the direct link is under way once both ends are posted; after it, traffic takes the link.
            await this.main.Broker.WhenIdleAsync().WaitAsync(ReadyTimeout, cancellationToken);
            try
            {
                await this.RunAsync(this.Renderer, RunKinds.Port, 1, Payloads.Small, ProbeTimeout, cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < PortAttempts)
            {
                this.AbandonedPortPairs++;
            }
        }
    }

    /// <summary>Asks <paramref name="child"/> to time <paramref name="count"/> operations of <paramref name="kind"/> (<see cref="RunKinds"/>).</summary>
    /// <returns>Seconds per operation, as the child measured them.</returns>
    public Task<double> RunAsync(WebContents child, string kind, int count, int size, CancellationToken cancellationToken)
        => this.RunAsync(child, kind, count, size, RunTimeout, cancellationToken);

    /// <summary>Like <see cref="RunAsync(WebContents, string, int, int, CancellationToken)"/>; the child gives up after <paramref name="timeout"/>.</summary>
    public async Task<double> RunAsync(WebContents child, string kind, int count, int size, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(child);
        long id = Interlocked.Increment(ref this.lastRun);
        var run = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        this.runs[id] = run;
        child.Send(Channels.Run, new RunCommand { Id = id, Kind = kind, Count = count, Size = size, TimeoutMilliseconds = (int)timeout.TotalMilliseconds });
        RunResult result;
        try
        {
            result = await run.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            this.runs.TryRemove(id, out _);
        }

        return result.Error is null ? result.Seconds : throw new InvalidOperationException($"{child.Name}: {result.Error}");
    }

    public async ValueTask DisposeAsync()
    {
        // Closing main's links makes each child exit (its link to main is gone); main waits for that, then kills stragglers.
        await this.main.DisposeAsync();
    }

    private static void Signal(ConcurrentDictionary<int, TaskCompletionSource<bool>> signals, int id)
        => signals.GetOrAdd(id, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(true);

    private static Task<bool> Expect(ConcurrentDictionary<int, TaskCompletionSource<bool>> signals, int id)
        => signals.GetOrAdd(id, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private static Task<bool> Renew(ConcurrentDictionary<int, TaskCompletionSource<bool>> signals, int id)
    {
        var next = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        signals[id] = next;
        return next.Task;
    }

    private async Task LaunchAsync(EndpointKind kind, string name, CancellationToken cancellationToken)
    {
        WebContents child = await this.main.LaunchAsync(
            ChildProcess.CreateStartInfo(ChildRoles.Renderer),
            new LaunchOptions { Kind = kind, Name = name, Allowlist = ChannelAllowlist.AllowAll(), ExitTimeout = TimeSpan.FromSeconds(3) },
            cancellationToken);
        this.children.Add(child);

        // The child's listeners exist once its preload ran; until then a command would find nobody listening.
        await Expect(this.ready, child.Id).WaitAsync(ReadyTimeout, cancellationToken);
    }
}
