using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Floors;
using IpcBridge.Benchmarks.Peers;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>
/// Cross-process invoke round trip: a child renderer invokes main's echo handler, against raw socket ping-pong between
/// two processes and StreamJsonRpc over a Unix domain socket to a child; at 1 MiB, against raw socket streaming.
/// </summary>
public sealed class CrossProcessInvokeScenario : Scenario
{
    private readonly int size;

    public CrossProcessInvokeScenario(int size) => this.size = size;

    public override string Name => $"cross-process-invoke-{Payloads.Tag(this.size)}";

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        string payload = Payloads.Get(this.size);
        string label = Payloads.Label(this.size);
        int max = Payloads.MaxCount(this.size);
        ChildBridge bridge = this.Own(await ChildBridge.StartAsync(withWork: false, cancellationToken));
        JsonRpcPeer rpc = this.Own(await JsonRpcPeer.StartChildAsync(cancellationToken));
        string name = $"cross-process invoke round trip, {label}";

        // At 1 MiB the figures are bandwidths: each round trip moves the payload there and back.
        bool large = this.size >= Payloads.Large;
        Metric metric = large ? Metric.Bandwidth : Metric.Latency;
        long moved = large ? 2L * this.size : 0;
        var ipc = new Series($"IpcBridge invoke {label}", metric, (n, ct) => bridge.RunAsync(bridge.Renderer, RunKinds.Invoke, n, this.size, ct), max, moved);
        var json = new Series($"StreamJsonRpc InvokeAsync {label}", metric, (n, ct) => rpc.InvokeAsync(n, payload, ct), max, moved);
        var figures = new List<Figure>();
        if (this.size == Payloads.Small)
        {
            SocketFloor socket = this.Own(await SocketFloor.StartAsync(cancellationToken));
            var floor = new Series("raw socket ping-pong, 64 B", Metric.Latency, socket.PingPongAsync);
            figures.Add(new Figure($"{name}, vs raw socket ping-pong", ipc, floor, Target.CostAtMost(1.5, "≤ 1.5× raw socket ping-pong")));
            figures.Add(new Figure($"{name}, vs StreamJsonRpc", ipc, json, Target.Faster));
            SocketFloor blocking = this.Own(await SocketFloor.StartAsync(blocking: true, cancellationToken));
            var kernel = new Series("raw socket ping-pong, 64 B, blocking calls", Metric.Latency, blocking.PingPongAsync);
            figures.Add(new Figure($"{name}, vs raw blocking socket ping-pong", ipc, kernel, Target.None));
        }
        else if (large)
        {
            SocketFloor socket = this.Own(await SocketFloor.StartAsync(cancellationToken));
            var floor = new Series($"raw socket streaming, {label} echoed", Metric.Bandwidth, (n, ct) => socket.EchoLargeAsync(n, this.size, ct), max, moved);
            var binary = new Series($"IpcBridge invoke byte[] {label}", Metric.Bandwidth, (n, ct) => bridge.RunAsync(bridge.Renderer, RunKinds.InvokeBytes, n, this.size, ct), max, moved);
            figures.Add(new Figure($"{label} byte[] invoke, cross-process, vs raw socket bandwidth", binary, floor, Target.ShareAtLeast(0.5, "≥ 50% of raw socket streaming bandwidth")));
            figures.Add(new Figure($"{label} string invoke (JSON text), cross-process, vs raw socket bandwidth", ipc, floor, Target.Share));
            figures.Add(new Figure($"{name}, vs StreamJsonRpc", ipc, json, Target.None));
        }
        else
        {
            figures.Add(new Figure($"{name}, vs StreamJsonRpc", ipc, json, Target.Faster));
        }

        return figures;
    }
}
