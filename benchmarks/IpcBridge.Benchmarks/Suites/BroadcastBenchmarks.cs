using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using IpcBridge.Benchmarks.Bridges;

namespace IpcBridge.Benchmarks.Suites;

/// <summary>
/// Main to renderers in one process, <see cref="Batch"/> messages per invocation, each batch ending when every
/// receiver has read them: <c>WebContents.Send</c> to one renderer against <c>MainProcess.Broadcast</c> to ten.
/// </summary>
[MemoryDiagnoser]
public class BroadcastBenchmarks
{
    public const int Batch = 100;

    public const int Renderers = 10;

    private InProcessBridge bridge = null!;
    private string payload = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        this.payload = Payloads.Get(Payloads.Small);
        this.bridge = await InProcessBridge.StartAsync(Renderers, CancellationToken.None);
    }

    [GlobalCleanup]
    public Task CleanupAsync() => this.bridge.DisposeAsync().AsTask();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "send to one")]
    public Task<double> SendToOne() => this.bridge.SendToOneAsync(Batch, this.payload, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = Batch, Description = "broadcast to 10")]
    public Task<double> BroadcastToTen() => this.bridge.BroadcastAsync(Batch, this.payload, CancellationToken.None);
}
