using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Floors;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>
/// Bytes allocated per in-process send of a 16-byte payload, sender to listener: the in-process transport works on
/// more than one thread (the sender's, main's dispatch loop), so the whole process's allocations over many sends are
/// counted and divided.
/// </summary>
public sealed class AllocationScenario : Scenario
{
    public override string Name => "in-process-send-allocations";

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        string payload = Payloads.Get(Payloads.Small);
        InProcessBridge bridge = this.Own(await InProcessBridge.StartAsync(1, cancellationToken));
        ChannelThroughput channel = this.Own(new ChannelThroughput());
        var ipc = new Series("IpcBridge send 16 B", Metric.Allocation, (n, ct) => bridge.MeasureSendAllocationAsync(n, payload, ct));
        var floor = new Series("raw Channel", Metric.Allocation, channel.MeasureAllocationAsync);
        return new[] { new Figure("allocations per in-process send, 16 B", ipc, floor, Target.ValueAtMost(128, "≤ 128 B")) };
    }
}
