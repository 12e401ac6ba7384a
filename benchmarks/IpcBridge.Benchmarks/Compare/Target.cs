namespace IpcBridge.Benchmarks.Compare;

/// <summary>What a figure must reach, as the issue states it, and which way its ratio reads.</summary>
public sealed class Target
{
    private Target(TargetRule rule, double limit, string text, bool? gain, bool percent)
    {
        this.Rule = rule;
        this.Limit = limit;
        this.Text = text;
        this.Gain = gain;
        this.Percent = percent;
    }

    /// <summary>Gets no target; the ratio reads as a cost for latencies and as a gain for rates.</summary>
    public static Target None { get; } = new(TargetRule.None, 0, "—", null, false);

    /// <summary>Gets no target; the ratio reads as how many times faster IpcBridge is.</summary>
    public static Target Faster { get; } = new(TargetRule.None, 0, "—", true, false);

    /// <summary>Gets no target; the ratio reads as IpcBridge's share of the reference's rate.</summary>
    public static Target Share { get; } = new(TargetRule.None, 0, "—", true, true);

    public TargetRule Rule { get; }

    public double Limit { get; }

    public string Text { get; }

    /// <summary>Gets whether the ratio is the reference's value per operation over IpcBridge's (a gain), or the reverse (a cost); <see langword="null"/> to follow the metric.</summary>
    public bool? Gain { get; }

    /// <summary>Gets a value indicating whether the ratio reads better as a percentage (a share of a floor's throughput).</summary>
    public bool Percent { get; }

    public static Target CostAtMost(double limit, string text) => new(TargetRule.CostAtMost, limit, text, false, false);

    public static Target GainAtLeast(double limit, string text) => new(TargetRule.GainAtLeast, limit, text, true, false);

    public static Target ShareAtLeast(double limit, string text) => new(TargetRule.GainAtLeast, limit, text, true, true);

    public static Target ValueAtMost(double limit, string text) => new(TargetRule.ValueAtMost, limit, text, null, false);
}
