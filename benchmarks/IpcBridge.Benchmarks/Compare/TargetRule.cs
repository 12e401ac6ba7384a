namespace IpcBridge.Benchmarks.Compare;

/// <summary>How a <see cref="Target"/> judges a figure's two medians.</summary>
public enum TargetRule
{
    /// <summary>No target: the figure is shown for orientation.</summary>
    None,

    /// <summary>IpcBridge's value per operation divided by the reference's is at most the limit ("≤ 3× the floor").</summary>
    CostAtMost,

    /// <summary>The reference's value per operation divided by IpcBridge's is at least the limit ("≥ 8× faster", "≥ 10% of the throughput").</summary>
    GainAtLeast,

    /// <summary>IpcBridge's value per operation itself is at most the limit ("≤ 256 bytes").</summary>
    ValueAtMost,
}
