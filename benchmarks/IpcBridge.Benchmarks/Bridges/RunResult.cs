namespace IpcBridge.Benchmarks.Bridges;

/// <summary>A child endpoint's answer to a <see cref="RunCommand"/>.</summary>
public sealed class RunResult
{
    public long Id { get; set; }

    /// <summary>Gets or sets the seconds per operation, measured in the child.</summary>
    public double Seconds { get; set; }

    /// <summary>Gets or sets what went wrong, or <see langword="null"/>.</summary>
    public string? Error { get; set; }
}
