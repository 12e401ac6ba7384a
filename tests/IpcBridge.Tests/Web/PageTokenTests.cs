using System;
using IpcBridge.AspNetCore;

namespace IpcBridge.Tests.Web;

/// <summary>The one-time page tokens: issued fresh, valid once, for a bounded time; and the link a page carries.</summary>
public class PageTokenTests
{
    [Fact]
    public void Token_RedeemedOnce_ThenRefused()
    {
        var tokens = new IpcBridgePageTokens(TimeSpan.FromMinutes(1), TimeProvider.System);
        string token = tokens.Issue();

        tokens.TryRedeem(token).Should().BeTrue();
        tokens.TryRedeem(token).Should().BeFalse();
        tokens.TryRedeem(null).Should().BeFalse();
        tokens.TryRedeem(string.Empty).Should().BeFalse();
    }

    [Fact]
    public void Token_UnusedPastItsLifetime_RefusedAndForgotten()
    {
        var clock = new ManualClock();
        var tokens = new IpcBridgePageTokens(TimeSpan.FromMinutes(5), clock);
        string early = tokens.Issue();
        string late = tokens.Issue();

        clock.Advance(TimeSpan.FromMinutes(4));
        tokens.TryRedeem(late).Should().BeTrue();
        clock.Advance(TimeSpan.FromMinutes(2));
        tokens.Outstanding.Should().Be(0, "an expired token is dropped from the table");
        tokens.TryRedeem(early).Should().BeFalse();
    }

    [Fact]
    public void Tokens_AreFreshRandomBase64Url()
    {
        var tokens = new IpcBridgePageTokens(TimeSpan.FromMinutes(1), TimeProvider.System);

        string a = tokens.Issue();
        string b = tokens.Issue();

        a.Should().NotBe(b);
        a.Should().HaveLength(43).And.MatchRegex("^[A-Za-z0-9_-]+$");
    }

    [Fact]
    public void Equal_ComparesContentOnly()
    {
        IpcBridgePageTokens.Equal("abc", "abc").Should().BeTrue();
        IpcBridgePageTokens.Equal("abc", "abd").Should().BeFalse();
        IpcBridgePageTokens.Equal("abc", "abcd").Should().BeFalse();
        IpcBridgePageTokens.Equal("abc", null).Should().BeFalse();
    }

    [Theory]
    [InlineData("<html><HEAD lang=\"en\"><title>x</title></HEAD></html>", "<html><HEAD lang=\"en\"><meta")]
    [InlineData("<html><header>no head</header></html>", "<meta")]
    public void WithLink_PutsTheTagsAtTheStartOfTheHead(string html, string start)
    {
        string page = IpcBridgePage.WithLink(html, "/ipc?x=\"1\"", "tok");

        page.Should().StartWith(start);
        page.Should().Contain("<meta name=\"ipc-bridge-endpoint\" content=\"/ipc?x=&quot;1&quot;\"><meta name=\"ipc-bridge-token\" content=\"tok\">");
    }

    private sealed class ManualClock : TimeProvider
    {
        private long now = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => this.now;

        public void Advance(TimeSpan by) => this.now += by.Ticks;
    }
}
