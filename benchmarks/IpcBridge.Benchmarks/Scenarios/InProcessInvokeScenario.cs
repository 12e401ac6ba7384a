using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Floors;
using IpcBridge.Benchmarks.Peers;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>In-process invoke round trip (renderer to main's handler and back) against raw channels and StreamJsonRpc.</summary>
public sealed class InProcessInvokeScenario : Scenario
{
    private readonly int size;

    public InProcessInvokeScenario(int size) => this.size = size;

    public override string Name => $"in-process-invoke-{Payloads.Tag(this.size)}";

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        string payload = Payloads.Get(this.size);
        string label = Payloads.Label(this.size);
        int max = Payloads.MaxCount(this.size);
        InProcessBridge bridge = this.Own(await InProcessBridge.StartAsync(1, cancellationToken));
        JsonRpcPeer rpc = this.Own(JsonRpcPeer.StartInProcess());
        var ipc = new Series($"IpcBridge invoke {label}", Metric.Latency, (n, ct) => bridge.InvokeAsync(n, payload, ct), max);
        var json = new Series($"StreamJsonRpc InvokeAsync {label}", Metric.Latency, (n, ct) => rpc.InvokeAsync(n, payload, ct), max);
        string name = $"in-process invoke round trip, {label}";
        if (this.size >= Payloads.Large)
        {
            // Bytes: binary segments, no JSON text. Each round trip moves the payload there and back.
            long moved = 2L * this.size;
            byte[] bytes = Payloads.GetBytes(this.size);
            var binary = new Series($"IpcBridge invoke byte[] {label}", Metric.Bandwidth, (n, ct) => bridge.InvokeBytesAsync(n, bytes, ct), max, moved);
            double limit = moved / (2.0 * 1024 * 1024 * 1024);
            return new[]
            {
                new Figure($"{label} byte[] invoke, in-process", binary, null, Target.ValueAtMost(limit, "≥ 2 GiB/s")),
                new Figure($"{name}, vs StreamJsonRpc", ipc, json, Target.Faster),
            };
        }

        if (this.size != Payloads.Small)
        {
            return new[] { new Figure($"{name}, vs StreamJsonRpc", ipc, json, Target.Faster) };
        }

        ChannelPingPong channels = this.Own(new ChannelPingPong());
        var floor = new Series("raw Channel ping-pong", Metric.Latency, channels.RunAsync);
        return new[]
        {
            new Figure($"{name}, vs raw Channel ping-pong", ipc, floor, Target.CostAtMost(3, "≤ 3× raw Channel ping-pong")),
            new Figure($"{name}, vs StreamJsonRpc", ipc, json, Target.GainAtLeast(8, "≥ 8× faster than StreamJsonRpc")),
        };
    }
}
