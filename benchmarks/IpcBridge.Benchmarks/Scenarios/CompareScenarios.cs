using System;
using System.Collections.Generic;
using System.Linq;
using IpcBridge.Benchmarks.Compare;

namespace IpcBridge.Benchmarks.Scenarios;

/// <summary>Every scenario of the <c>compare</c> command, in the order it runs them.</summary>
public static class CompareScenarios
{
    /// <summary>Returns a fresh instance of every scenario (each is started and disposed once).</summary>
    public static IReadOnlyList<Scenario> Create()
    {
        var all = new List<Scenario>();
        all.AddRange(Payloads.Sizes.Select(size => new InProcessInvokeScenario(size)));
        all.AddRange(Payloads.Sizes.Select(size => new InProcessSendScenario(size)));
        all.Add(new BroadcastScenario());
        all.Add(new AllocationScenario());
        all.AddRange(Payloads.Sizes.Select(size => new CrossProcessInvokeScenario(size)));
        all.AddRange(Payloads.Sizes.Select(size => new CrossProcessSendScenario(size)));
        all.Add(new PortRoundTripScenario());
        all.Add(new WebPageScenario());
        return all;
    }

    public static IReadOnlyList<string> Names => Create().Select(s => s.Name).ToList();

    /// <exception cref="ArgumentException">No scenario has that name.</exception>
    public static Scenario Create(string name)
        => Create().FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"No scenario is named '{name}'.", nameof(name));
}
