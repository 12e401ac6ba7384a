using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>In-process <c>MainProcess.Broadcast</c> to ten renderers against <c>WebContents.Send</c> to one.</summary>
public sealed class BroadcastScenario : Scenario
{
    public const int Renderers = 10;

    public override string Name => "in-process-broadcast";

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        string payload = Payloads.Get(Payloads.Small);
        InProcessBridge bridge = this.Own(await InProcessBridge.StartAsync(Renderers, cancellationToken));
        var broadcast = new Series($"IpcBridge broadcast to {Renderers}", Metric.Latency, (n, ct) => bridge.BroadcastAsync(n, payload, ct));
        var one = new Series("IpcBridge send to one", Metric.Latency, (n, ct) => bridge.SendToOneAsync(n, payload, ct));
        return new[]
        {
            new Figure($"broadcast to {Renderers} endpoints, in-process (time per message, all delivered)", broadcast, one, Target.CostAtMost(10, "≤ 10× one send")),
        };
    }
}
