using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Web;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>
/// A web page as the renderer (IpcBridge.AspNetCore and ipc-renderer.js, in headless Chromium), against raw WebSocket
/// messages from the same page to the same Kestrel server: an invoke round trip against a raw echo (target ≤ 2×), and
/// send throughput against raw messages (target ≥ 30 %). Needs Chromium.
/// </summary>
public sealed class WebPageScenario : Scenario
{
    public const string ScenarioName = "web-page";

    public override string Name => ScenarioName;

    public override async Task<IReadOnlyList<Figure>> StartAsync(CancellationToken cancellationToken)
    {
        WebPageBench bench = this.Own(await WebPageBench.StartAsync(cancellationToken));
        int size = Payloads.Small;
        string label = Payloads.Label(size);
        var invoke = new Series($"page ipcRenderer.invoke {label}", Metric.Latency, (n, ct) => bench.RunAsync("invoke", n, size, ct), 20_000);
        var echo = new Series($"page raw WebSocket echo {label}", Metric.Latency, (n, ct) => bench.RunAsync("rawEcho", n, size, ct), 20_000);
        var send = new Series($"page ipcRenderer.send {label}", Metric.Throughput, (n, ct) => bench.RunAsync("send", n, size, ct), 200_000);
        var raw = new Series($"page raw WebSocket messages {label}", Metric.Throughput, (n, ct) => bench.RunAsync("rawSend", n, size, ct), 200_000);
        return
        [
            new Figure($"web page invoke round trip, {label}, vs raw WebSocket echo", invoke, echo, Target.CostAtMost(2, "≤ 2× a raw WebSocket echo")),
            new Figure($"web page send throughput, {label}, vs raw WebSocket messages", send, raw, Target.ShareAtLeast(0.3, "≥ 30% of raw WebSocket messages")),
        ];
    }
}
