using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Scenarios;

namespace IpcBridge.Tests.Benchmarks;

/// <summary>
/// Runs every scenario of the benchmarks' <c>compare</c> command with a few operations, so the benchmark code keeps
/// compiling and working: each figure must come out as a finite, positive measurement. Speed is judged by the
/// benchmarks themselves, never here.
/// </summary>
public class CompareSmokeTests
{
    private static readonly string[] BroadcastOnly = { "--smoke", "--filter", "in-process-broadcast" };

    public static TheoryData<string> Scenarios
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (string name in CompareScenarios.Names)
            {
                // It needs Chromium: WebPageBrowserSmokeTests runs it where there is one.
                if (name != WebPageScenario.ScenarioName)
                {
                    names.Add(name);
                }
            }

            return names;
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_WithATinyCount_MeasuresEveryFigure(string name)
    {
        IReadOnlyList<FigureResult> results = await PairedRunner.RunAsync(CompareScenarios.Create(name), CompareSettings.Smoke);

        results.Should().NotBeEmpty();
        foreach (FigureResult result in results)
        {
            double.IsFinite(result.SubjectMedian).Should().BeTrue(result.Figure.Name);
            result.SubjectMedian.Should().BePositive(result.Figure.Name);
            if (result.Figure.Reference is { } reference)
            {
                double value = result.ReferenceMedian.GetValueOrDefault(double.NaN);
                double.IsFinite(value).Should().BeTrue(result.Figure.Name);

                // A raw channel can allocate nothing per item; every time it takes is positive.
                (reference.Metric == Metric.Allocation ? value >= 0 : value > 0).Should().BeTrue(result.Figure.Name);
            }
        }
    }

    [Fact]
    public async Task CompareCommand_PrintsOneTableRowPerFigure_WithItsVerdict()
    {
        using var output = new StringWriter();

        int exitCode = await CompareCommand.RunAsync(BroadcastOnly, output);

        exitCode.Should().Be(0);
        string[] lines = output.ToString().Split(Environment.NewLine);
        lines.Should().Contain(FigureResult.Header);
        lines.Should().ContainSingle(l => l.StartsWith("| broadcast to 10 endpoints", StringComparison.Ordinal))
            .Which.Should().Match(l => l.EndsWith("| MET |", StringComparison.Ordinal) || l.EndsWith("| MISSED |", StringComparison.Ordinal));
    }
}
