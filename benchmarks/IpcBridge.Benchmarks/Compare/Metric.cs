namespace IpcBridge.Benchmarks.Compare;

/// <summary>What the value a <see cref="Series"/> measures per operation means, and how it is shown.</summary>
public enum Metric
{
    /// <summary>Seconds per round trip or call, shown in µs or ms.</summary>
    Latency,

    /// <summary>Seconds per one-way message, shown as messages per second.</summary>
    Throughput,

    /// <summary>Seconds per operation that moves <see cref="Series.BytesPerOperation"/> bytes, shown in MiB/s.</summary>
    Bandwidth,

    /// <summary>Bytes allocated per operation (every thread of the process), shown in bytes.</summary>
    Allocation,
}
