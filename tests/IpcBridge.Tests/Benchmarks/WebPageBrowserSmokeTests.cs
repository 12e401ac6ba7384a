using System.Collections.Generic;
using System.Threading.Tasks;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Scenarios;
using IpcBridge.Tests.Web;

namespace IpcBridge.Tests.Benchmarks;

/// <summary>The compare command's web-page scenario, with a few operations: a page in Chromium measures both figures.</summary>
[Collection(BrowserTestGroup.Name)]
public class WebPageBrowserSmokeTests
{
    [BrowserFact]
    public async Task WebPageScenario_WithATinyCount_MeasuresBothFigures()
    {
        IReadOnlyList<FigureResult> results = await PairedRunner.RunAsync(CompareScenarios.Create(WebPageScenario.ScenarioName), CompareSettings.Smoke);

        results.Should().HaveCount(2);
        foreach (FigureResult result in results)
        {
            double.IsFinite(result.SubjectMedian).Should().BeTrue(result.Figure.Name);
            result.SubjectMedian.Should().BePositive(result.Figure.Name);
            result.ReferenceMedian.GetValueOrDefault(double.NaN).Should().BePositive(result.Figure.Name);
        }
    }
}
