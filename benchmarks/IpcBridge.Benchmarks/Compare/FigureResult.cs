using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace IpcBridge.Benchmarks.Compare;

/// <summary>A figure's medians, its ratio, and whether it met its target.</summary>
public sealed class FigureResult
{
    public FigureResult(Figure figure, double subjectMedian, double? referenceMedian, IReadOnlyList<double>? subjectRounds = null)
    {
        this.Figure = figure;
        this.SubjectRounds = subjectRounds ?? new[] { subjectMedian };
        this.SubjectMedian = subjectMedian;
        this.ReferenceMedian = referenceMedian;
        if (referenceMedian is double reference && figure.Target.Rule != TargetRule.ValueAtMost)
        {
            // Values are per operation (seconds or bytes): a cost is ours over theirs, a gain theirs over ours, which for
            // throughput and bandwidth is our rate over theirs.
            bool gain = figure.Target.Gain ?? figure.Subject.Metric is Metric.Throughput or Metric.Bandwidth;
            this.IsGain = gain;
            this.Ratio = gain ? reference / subjectMedian : subjectMedian / reference;
        }

        this.Met = figure.Target.Rule switch
        {
            TargetRule.CostAtMost => this.Ratio <= figure.Target.Limit,
            TargetRule.GainAtLeast => this.Ratio >= figure.Target.Limit,
            TargetRule.ValueAtMost => subjectMedian <= figure.Target.Limit,
            _ => null,
        };
    }

    public Figure Figure { get; }

    /// <summary>Gets IpcBridge's value per operation in each round, in the order measured.</summary>
    public IReadOnlyList<double> SubjectRounds { get; }

    /// <summary>Gets how many times IpcBridge's slowest round took its fastest (1 when steady; two modes show as a large spread).</summary>
    public double Spread => this.SubjectRounds.Min() is double min && min > 0 ? this.SubjectRounds.Max() / min : 1;

    /// <summary>
    /// Describes IpcBridge's rounds when they spread by <paramref name="threshold"/> or more: the fastest and the slowest,
    /// and how many rounds lay nearer each. A figure with two modes is reported with both, not only its median.
    /// </summary>
    public string? DescribeModes(double threshold = 1.5)
    {
        if (this.Spread < threshold || this.Figure.Subject.Metric == Metric.Allocation)
        {
            return null;
        }

        double min = this.SubjectRounds.Min(), max = this.SubjectRounds.Max(), middle = Math.Sqrt(min * max);
        int fast = this.SubjectRounds.Count(v => v <= middle);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{this.Figure.Subject.Name}: rounds spread {this.Spread:0.0}×: {fast} of {this.SubjectRounds.Count} near {Format(this.Figure.Subject, min)} and {this.SubjectRounds.Count - fast} near {Format(this.Figure.Subject, max)} (median {this.FormatSubject()}).");
    }

    /// <summary>Gets IpcBridge's median value per operation.</summary>
    public double SubjectMedian { get; }

    /// <summary>Gets the floor's or peer's median value per operation.</summary>
    public double? ReferenceMedian { get; }

    /// <summary>Gets the ratio the target is stated in, if the figure has a reference.</summary>
    public double? Ratio { get; }

    /// <summary>Gets a value indicating whether <see cref="Ratio"/> is a gain (theirs over ours per operation) rather than a cost.</summary>
    public bool IsGain { get; }

    /// <summary>Gets whether the target was met; <see langword="null"/> when the figure has none.</summary>
    public bool? Met { get; }

    public string Verdict => this.Met switch
    {
        true => "MET",
        false => "MISSED",
        null => "info",
    };

    public static string Header => "| figure | IpcBridge | floor / peer | ratio | target | result |";

    public static string Rule => "|---|---:|---:|---:|---|---|";

    public string FormatSubject() => Format(this.Figure.Subject, this.SubjectMedian);

    public string FormatReference() => this.Figure.Reference is { } reference && this.ReferenceMedian is double value
        ? $"{Format(reference, value)} ({reference.Name})"
        : "—";

    public string FormatRatio()
    {
        if (this.Ratio is not double ratio)
        {
            return "—";
        }

        if (this.Figure.Target.Percent)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0.#}%");
        }

        string text = string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}×");
        return this.IsGain && this.Figure.Subject.Metric == Metric.Latency ? text + " faster" : text;
    }

    public string ToTableRow()
        => $"| {this.Figure.Name} | {this.FormatSubject()} | {this.FormatReference()} | {this.FormatRatio()} | {this.Figure.Target.Text} | {this.Verdict} |";

    /// <summary>Shows a value per operation in the unit that suits its metric.</summary>
    public static string Format(Series series, double value)
    {
        ArgumentNullException.ThrowIfNull(series);
        CultureInfo c = CultureInfo.InvariantCulture;
        return series.Metric switch
        {
            Metric.Latency => value >= 1e-3 ? string.Create(c, $"{value * 1e3:0.00} ms") : string.Create(c, $"{value * 1e6:0.00} µs"),
            Metric.Throughput => 1 / value >= 1e6 ? string.Create(c, $"{1 / value / 1e6:0.00} M msg/s") : string.Create(c, $"{1 / value / 1e3:0.0} k msg/s"),
            Metric.Bandwidth => string.Create(c, $"{series.BytesPerOperation / value / (1024 * 1024):0} MiB/s"),
            Metric.Allocation => string.Create(c, $"{value:0} B"),
            _ => value.ToString(c),
        };
    }
}
