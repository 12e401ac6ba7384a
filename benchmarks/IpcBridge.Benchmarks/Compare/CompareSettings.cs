using System;

namespace IpcBridge.Benchmarks.Compare;

/// <summary>How long and how often a comparison measures.</summary>
public sealed class CompareSettings
{
    /// <summary>Gets the settings of a full run: seven alternating rounds of about a quarter second each per series.</summary>
    public static CompareSettings Full { get; } = new() { Rounds = 7, RunTime = TimeSpan.FromMilliseconds(250), WarmUpCount = 64 };

    /// <summary>Gets the settings of a quick look: three short rounds.</summary>
    public static CompareSettings Quick { get; } = new() { Rounds = 3, RunTime = TimeSpan.FromMilliseconds(40), WarmUpCount = 16 };

    /// <summary>Gets settings that only prove every scenario works: one round of a few operations, no calibration.</summary>
    public static CompareSettings Smoke { get; } = new() { Rounds = 1, FixedCount = 4, WarmUpCount = 1, ScenarioTimeout = TimeSpan.FromMinutes(1) };

    /// <summary>Gets the number of alternating rounds; each round runs every series of a scenario once.</summary>
    public int Rounds { get; init; } = 7;

    /// <summary>Gets how long one run of a series should take; the count of operations is calibrated to it.</summary>
    public TimeSpan RunTime { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets a count of operations to use instead of calibrating, or <see langword="null"/>.</summary>
    public int? FixedCount { get; init; }

    /// <summary>Gets the operations of the warm-up run (JIT, connections, direct port links).</summary>
    public int WarmUpCount { get; init; } = 64;

    /// <summary>Gets the most one scenario may take, set-up and children included, before it fails.</summary>
    public TimeSpan ScenarioTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
