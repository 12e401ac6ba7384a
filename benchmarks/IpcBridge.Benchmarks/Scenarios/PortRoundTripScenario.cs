using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Floors;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>
/// Port round trip between a renderer and a work endpoint, both child processes, on a <see cref="MessageChannelMain"/>
/// pair main posted to them (the pair moves onto a direct link between the children), against raw socket ping-pong
/// and against the same message forwarded through main's listeners both ways.
/// </summary>
public sealed class PortRoundTripScenario : Scenario
{
    public override string Name => "cross-process-port-round-trip";

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        int size = Payloads.Small;
        string label = Payloads.Label(size);
        ChildBridge bridge = this.Own(await ChildBridge.StartAsync(withWork: true, cancellationToken));
        await bridge.ConnectPortsAsync(cancellationToken);
        if (bridge.AbandonedPortPairs > 0)
        {
            this.Note($"{bridge.AbandonedPortPairs} port pair(s) stalled during the move onto the direct link and were replaced.");
        }

        SocketFloor socket = this.Own(await SocketFloor.StartAsync(cancellationToken));
        var port = new Series($"IpcBridge port round trip {label}", Metric.Latency, (n, ct) => bridge.RunAsync(bridge.Renderer, RunKinds.Port, n, size, ct));
        var forward = new Series($"forwarded through main {label}", Metric.Latency, (n, ct) => bridge.RunAsync(bridge.Renderer, RunKinds.Forward, n, size, ct));
        var floor = new Series("raw socket ping-pong, 64 B", Metric.Latency, socket.PingPongAsync);
        string name = "port round trip renderer↔work, both child processes";
        return new[]
        {
            new Figure($"{name}, vs raw socket ping-pong", port, floor, Target.CostAtMost(1.5, "≤ 1.5× raw socket ping-pong")),
            new Figure($"{name}, vs forwarding through main", port, forward, Target.CostAtMost(0.6, "≤ 0.6× forwarding through main")),
        };
    }
}
