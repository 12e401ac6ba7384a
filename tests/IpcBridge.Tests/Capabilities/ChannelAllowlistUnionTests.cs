namespace IpcBridge.Tests.Capabilities;

/// <summary>The allowlist operations capabilities rely on: union, equality of grants, and a readable text.</summary>
public class ChannelAllowlistUnionTests
{
    [Fact]
    public void Union_TwoLists_PermitsWhatEitherPermitsOnce()
    {
        ChannelAllowlist first = ChannelAllowlist.DenyAll.AllowSend("log").AllowInvoke("files:*");
        ChannelAllowlist second = ChannelAllowlist.DenyAll.AllowInvoke("files:*").AllowReceive("progress");

        ChannelAllowlist both = first.Union(second);

        both.IsAllowed(IpcOperation.Send, "log").Should().BeTrue();
        both.IsAllowed(IpcOperation.Invoke, "files:open").Should().BeTrue();
        both.IsAllowed(IpcOperation.Receive, "progress").Should().BeTrue();
        both.IsAllowed(IpcOperation.Send, "progress").Should().BeFalse();
        both.ToString().Should().Be("Send: log; Invoke: files:*; Receive: progress", "a grant both lists hold is listed once");
    }

    [Fact]
    public void Union_WithAllowAllOrDenyAll_IsTheObviousList()
    {
        ChannelAllowlist some = ChannelAllowlist.DenyAll.AllowSend("a");

        some.Union(ChannelAllowlist.AllowAll()).AllowsEverything.Should().BeTrue();
        ChannelAllowlist.AllowAll().Union(some).AllowsEverything.Should().BeTrue();
        some.Union(ChannelAllowlist.DenyAll).Should().BeSameAs(some);
        ChannelAllowlist.DenyAll.Union(some).Should().BeSameAs(some);
        FluentActions.Invoking(() => some.Union(null!)).Should().Throw<System.ArgumentNullException>();
    }

    [Fact]
    public void Equals_SameGrantsGroupedOrOrderedDifferently_AreEqual()
    {
        ChannelAllowlist grouped = ChannelAllowlist.DenyAll.AllowSend("a").Allow(IpcOperation.Receive | IpcOperation.Ports, "port");
        ChannelAllowlist split = ChannelAllowlist.DenyAll.AllowPorts("port").AllowReceive("port").AllowSend("a", "a");

        grouped.Should().Be(split);
        grouped.GetHashCode().Should().Be(split.GetHashCode());
        grouped.Should().NotBe(split.AllowSend("b"));
        grouped.Should().NotBe(ChannelAllowlist.DenyAll.AllowSend("a").AllowReceive("port"));
        ChannelAllowlist.DenyAll.AllowSend("a*").Should().NotBe(ChannelAllowlist.DenyAll.AllowSend("a"), "a prefix and an exact name are different grants");
        ChannelAllowlist.AllowAll().Should().Be(ChannelAllowlist.AllowAll());
        ChannelAllowlist.AllowAll().Should().NotBe(ChannelAllowlist.DenyAll.Allow(IpcOperation.All, "*"));
        ChannelAllowlist.DenyAll.Equals(null).Should().BeFalse();
    }

    [Fact]
    public void ToString_ListsRulesInGrantOrder()
    {
        ChannelAllowlist.DenyAll.ToString().Should().Be("DenyAll");
        ChannelAllowlist.AllowAll().ToString().Should().Be("AllowAll");
        ChannelAllowlist.DenyAll.AllowHandle("dialog:*").Allow(IpcOperation.Receive | IpcOperation.Ports, "port").AllowHandle("dialog:*").ToString()
            .Should().Be("Handle: dialog:*; Receive, Ports: port");
    }
}
