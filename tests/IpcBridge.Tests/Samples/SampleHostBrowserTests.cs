using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Web;

namespace IpcBridge.Tests.Samples;

/// <summary>
/// The sample host with <c>--web --headless</c>, run as users run it: the renderer is the sample's web page in headless
/// Chromium, main and the work endpoint are .NET, and every scenario of the seed article passes.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public class SampleHostBrowserTests
{
    [BrowserFact]
    public async Task ConsoleHost_WebHeadless_PassesEveryScenarioWithTheRendererAPageInChromium()
    {
        SampleHostTests.SampleRun run = await SampleHostTests.SampleRun.RunAsync("--web", "--headless");

        run.ExitCode.Should().Be(0, run.Describe());
        run.Output.Should().NotContain("FAILED").And.Contain("All 7 scenarios passed").And.Contain("(a web page)");
        List<SampleHostTests.TranscriptLine> lines = SampleHostTests.TranscriptLine.Parse(run.Output, withProcessIds: false);
        lines.Select(l => (l.Party, l.Text)).Should().ContainInOrder(SampleHostTests.KeyLines, run.Describe());
    }

    [BrowserFact]
    public async Task ConsoleHost_WebHeadlessProcesses_PassesEveryScenarioWithTheWorkEndpointAChildProcess()
    {
        SampleHostTests.SampleRun run = await SampleHostTests.SampleRun.RunAsync("--web", "--headless", "--processes");

        run.ExitCode.Should().Be(0, run.Describe());
        run.Output.Should().NotContain("FAILED").And.Contain("All 7 scenarios passed");
        List<SampleHostTests.TranscriptLine> lines = SampleHostTests.TranscriptLine.Parse(run.Output, withProcessIds: true);
        lines.Select(l => (l.Party, l.Text)).Should().ContainInOrder(SampleHostTests.KeyLines, run.Describe());
        run.Output.Should().Contain("workWindow (pid").And.Contain("exited: CleanExit, exit code 0");
    }
}
