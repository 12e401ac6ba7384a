using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Floors;
using IpcBridge.Benchmarks.Peers;

namespace IpcBridge.Benchmarks.Suites;

/// <summary>One invoke round trip in one process: raw channels, IpcBridge (renderer to main's handler), StreamJsonRpc.</summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: what GlobalSetup creates, GlobalCleanup disposes.
public class InProcessInvokeBenchmarks
#pragma warning restore CA1001
{
    private InProcessBridge bridge = null!;
    private JsonRpcPeer rpc = null!;
    private ChannelPingPong channels = null!;
    private IpcRenderer renderer = null!;
    private string payload = string.Empty;

    [Params(Payloads.Small, Payloads.Medium, Payloads.Large)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        this.payload = Payloads.Get(this.Size);
        this.bridge = await InProcessBridge.StartAsync(1, CancellationToken.None);
        this.renderer = this.bridge.Renderer;
        this.rpc = JsonRpcPeer.StartInProcess();
        this.channels = new ChannelPingPong();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await this.channels.DisposeAsync();
        await this.rpc.DisposeAsync();
        await this.bridge.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw Channel ping-pong")]
    public ValueTask<object> RawChannelPingPong() => this.channels.RoundTripAsync();

    [Benchmark(Description = "IpcBridge invoke")]
    public Task<string> IpcBridgeInvoke() => this.renderer.InvokeAsync<string>(Channels.Echo, this.payload);

    [Benchmark(Description = "StreamJsonRpc InvokeAsync")]
    public Task<string> StreamJsonRpcInvoke() => this.rpc.InvokeOnceAsync(this.payload);
}
