namespace IpcBridge.Tests.Capabilities;

/// <summary>Endpoint name patterns: exact names and globs, against names and against other globs.</summary>
public class EndpointGlobTests
{
    [Theory]
    [InlineData("main", "main", true)]
    [InlineData("main", "main2", false)]
    [InlineData("main", "Main", false)]
    [InlineData("settings-*", "settings-", true)]
    [InlineData("settings-*", "settings-general", true)]
    [InlineData("settings-*", "settings", false)]
    [InlineData("*-dialog", "open-dialog", true)]
    [InlineData("*-dialog", "open-dialog-2", false)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("x*", "", false)]
    [InlineData("a*", "a*b", true)]
    public void Matches_PatternAndName_MatchesAsAGlob(string pattern, string name, bool expected)
        => EndpointGlob.Matches(pattern, name).Should().Be(expected);

    [Fact]
    public void Matches_NameWithAStar_IsLiteral()
    {
        EndpointGlob.Matches("ab", "a*").Should().BeFalse("a '*' in an endpoint's own name is just a character");
        EndpointGlob.Matches("a*", "a*").Should().BeTrue();
    }

    [Theory]
    [InlineData("settings-*", "settings-general", true)]
    [InlineData("settings-*", "*-general", true)]
    [InlineData("worker-*", "settings-*", false)]
    [InlineData("*Window", "mainWindow", true)]
    [InlineData("*a", "b*", true)]
    [InlineData("a*", "b*", false)]
    [InlineData("*x*", "y", false)]
    [InlineData("*", "*", true)]
    public void Overlaps_TwoPatterns_TellWhetherOneNameCanMatchBoth(string first, string second, bool expected)
    {
        EndpointGlob.Overlaps(first, second).Should().Be(expected);
        EndpointGlob.Overlaps(second, first).Should().Be(expected);
    }
}
