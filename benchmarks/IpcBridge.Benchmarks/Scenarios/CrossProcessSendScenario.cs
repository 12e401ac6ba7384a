using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Floors;
using IpcBridge.Benchmarks.Peers;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>
/// Cross-process one-way throughput: a child renderer sends to main's listener (then one drain call proves every
/// message arrived), against StreamJsonRpc notifications to a child and raw batched socket writes to a child.
/// </summary>
public sealed class CrossProcessSendScenario : Scenario
{
    private readonly int size;

    public CrossProcessSendScenario(int size) => this.size = size;

    public override string Name => $"cross-process-send-{Payloads.Tag(this.size)}";

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        string payload = Payloads.Get(this.size);
        string label = Payloads.Label(this.size);
        int max = Payloads.MaxCount(this.size);
        ChildBridge bridge = this.Own(await ChildBridge.StartAsync(withWork: false, cancellationToken));
        JsonRpcPeer rpc = this.Own(await JsonRpcPeer.StartChildAsync(cancellationToken));
        var ipc = new Series($"IpcBridge send {label}", Metric.Throughput, (n, ct) => bridge.RunAsync(bridge.Renderer, RunKinds.Send, n, this.size, ct), max);
        var json = new Series($"StreamJsonRpc NotifyAsync {label}", Metric.Throughput, (n, ct) => rpc.NotifyAsync(n, payload, ct), max);
        string name = $"cross-process send throughput, {label}";
        var figures = new List<Figure>
        {
            new(
                $"{name}, vs StreamJsonRpc notify",
                ipc,
                json,
                this.size == Payloads.Small ? Target.GainAtLeast(14, "≥ 14× StreamJsonRpc notify throughput") : Target.None),
        };

        if (this.size == Payloads.Small)
        {
            SocketFloor socket = this.Own(await SocketFloor.StartAsync(cancellationToken));
            var floor = new Series($"raw socket, 64 B frames, {SocketFloor.BatchSize} a write", Metric.Throughput, socket.ThroughputAsync);
            figures.Add(new Figure($"{name}, vs raw batched socket writes", ipc, floor, Target.ShareAtLeast(0.4, "≥ 40% of raw batched socket writes")));
        }

        return figures;
    }
}
