using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Floors;
using IpcBridge.Benchmarks.Peers;

namespace IpcBridge.Benchmarks.Suites;

/// <summary>
/// One-way messages in one process, <see cref="Batch"/> per invocation, each batch ending when the receiver has read
/// them all: raw channel writes, IpcBridge sends (renderer to main's listener, then a drain call), StreamJsonRpc
/// notifications (then a call that counts them). Time and allocations are per message.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: what GlobalSetup creates, GlobalCleanup disposes.
public class InProcessSendBenchmarks
#pragma warning restore CA1001
{
    public const int Batch = 100;

    private InProcessBridge bridge = null!;
    private JsonRpcPeer rpc = null!;
    private ChannelThroughput channel = null!;
    private string payload = string.Empty;

    [Params(Payloads.Small, Payloads.Medium, Payloads.Large)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        this.payload = Payloads.Get(this.Size);
        this.bridge = await InProcessBridge.StartAsync(1, CancellationToken.None);
        this.rpc = JsonRpcPeer.StartInProcess();
        this.channel = new ChannelThroughput();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await this.channel.DisposeAsync();
        await this.rpc.DisposeAsync();
        await this.bridge.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "raw Channel write")]
    public Task<double> RawChannelWrite() => this.channel.RunAsync(Batch, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = Batch, Description = "IpcBridge send")]
    public Task<double> IpcBridgeSend() => this.bridge.SendAsync(Batch, this.payload, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = Batch, Description = "StreamJsonRpc NotifyAsync")]
    public Task<double> StreamJsonRpcNotify() => this.rpc.NotifyAsync(Batch, this.payload, CancellationToken.None);
}
