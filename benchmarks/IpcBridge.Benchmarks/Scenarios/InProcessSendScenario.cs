using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Floors;
using IpcBridge.Benchmarks.Peers;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>In-process one-way throughput, renderer to main's listener (serialized), against a raw channel and StreamJsonRpc notifications.</summary>
public sealed class InProcessSendScenario : Scenario
{
    private readonly int size;

    public InProcessSendScenario(int size) => this.size = size;

    public override string Name => $"in-process-send-{Payloads.Tag(this.size)}";

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        string payload = Payloads.Get(this.size);
        string label = Payloads.Label(this.size);
        int max = Payloads.MaxCount(this.size);
        InProcessBridge bridge = this.Own(await InProcessBridge.StartAsync(1, cancellationToken));
        JsonRpcPeer rpc = this.Own(JsonRpcPeer.StartInProcess());
        ChannelThroughput channel = this.Own(new ChannelThroughput());
        var ipc = new Series($"IpcBridge send {label}", Metric.Throughput, (n, ct) => bridge.SendAsync(n, payload, ct), max);
        var floor = new Series("raw Channel throughput", Metric.Throughput, channel.RunAsync);
        var json = new Series($"StreamJsonRpc NotifyAsync {label}", Metric.Throughput, (n, ct) => rpc.NotifyAsync(n, payload, ct), max);
        string name = $"in-process send throughput, {label}";
        return new[]
        {
            new Figure(
                $"{name}, vs raw Channel",
                ipc,
                floor,
                this.size == Payloads.Small ? Target.ShareAtLeast(0.10, "≥ 10% of raw Channel throughput") : Target.Share),
            new Figure($"{name}, vs StreamJsonRpc notify", ipc, json, Target.None),
        };
    }
}
