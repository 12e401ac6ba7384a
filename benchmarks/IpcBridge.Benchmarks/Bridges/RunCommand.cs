namespace IpcBridge.Benchmarks.Bridges;

/// <summary>Main's request to a child endpoint: time <see cref="Count"/> operations of <see cref="Kind"/>.</summary>
public sealed class RunCommand
{
    public long Id { get; set; }

    /// <summary>Gets or sets one of <see cref="RunKinds"/>.</summary>
    public string Kind { get; set; } = string.Empty;

    public int Count { get; set; }

    /// <summary>Gets or sets the payload size in bytes (an ASCII string of that length).</summary>
    public int Size { get; set; }

    /// <summary>Gets or sets how long the child may wait for an answer before it gives up on the run.</summary>
    public int TimeoutMilliseconds { get; set; } = 60_000;
}
