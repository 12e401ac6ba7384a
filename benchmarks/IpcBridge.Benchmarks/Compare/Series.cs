using System;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Compare;

/// <summary>
/// One thing measured in a comparison: a run of <c>count</c> operations that returns its value per operation
/// (seconds, or bytes for <see cref="Metric.Allocation"/>).
/// </summary>
public sealed class Series
{
    private readonly Func<int, CancellationToken, Task<double>> run;

    public Series(string name, Metric metric, Func<int, CancellationToken, Task<double>> run, int maxCount = 1_000_000, long bytesPerOperation = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        this.Name = name;
        this.Metric = metric;
        this.run = run;
        this.MaxCount = maxCount;
        this.BytesPerOperation = bytesPerOperation;
    }

    public string Name { get; }

    public Metric Metric { get; }

    /// <summary>Gets the most operations one run may do (large payloads queue memory, so they run fewer).</summary>
    public int MaxCount { get; }

    /// <summary>Gets the bytes one operation moves, for <see cref="Metric.Bandwidth"/>.</summary>
    public long BytesPerOperation { get; }

    public Task<double> RunAsync(int count, CancellationToken cancellationToken) => this.run(count, cancellationToken);

    public override string ToString() => this.Name;
}
