using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace IpcBridge.Tests.Trimming;

/// <summary>
/// An app that uses only typed channels publishes trimmed with no trimming or AOT warning, and works trimmed: the
/// typed path needs no reflection metadata the trimmer could remove.
/// </summary>
[Collection(TrimmedPublishGroup.Name)]
public partial class TrimmedPublishTests : IClassFixture<TrimmedPublishFixture>
{
    private readonly TrimmedPublishFixture fixture;

    public TrimmedPublishTests(TrimmedPublishFixture fixture) => this.fixture = fixture;

    [Fact]
    public void TrimmedPublish_TypedChannelsOnly_SucceedsWithoutTrimOrAotWarnings()
    {
        // Arrange
        ProcessResult publish = this.fixture.Publish;

        // Act
        string[] warnings = AnalysisWarning().Matches(publish.Output).Select(m => m.Value).Distinct().ToArray();

        // Assert
        publish.TimedOut.Should().BeFalse(publish.ToString());
        publish.ExitCode.Should().Be(0, publish.ToString());
        warnings.Should().BeEmpty(publish.ToString());
        publish.Output.Should().Contain("Optimizing assemblies for size", "the app must really have been trimmed");
    }

    [Fact]
    public async Task TrimmedApp_TypedRoundTrip_PrintsOkAndExitsZero()
    {
        // Arrange
        this.fixture.Publish.ExitCode.Should().Be(0, "the app must publish first: " + this.fixture.Publish);

        // Act
        ProcessResult run = await ProcessResult.RunAsync(new ProcessStartInfo(this.fixture.AppPath), TrimmedPublishFixture.RunTimeout);

        // Assert
        run.TimedOut.Should().BeFalse(run.ToString());
        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Trim().Should().Be("OK");
    }

    [GeneratedRegex(@"\bIL[23]\d{3}\b")]
    private static partial Regex AnalysisWarning();
}

/// <summary>
/// A publish keeps both cores busy for a while; run alone (xunit runs such collections after the parallel ones), it
/// cannot slow other tests past their time limits.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrimmedPublishGroup
{
    public const string Name = "Trimmed publish";
}
