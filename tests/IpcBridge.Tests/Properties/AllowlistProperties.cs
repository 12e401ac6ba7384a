using System;
using System.Linq;
using CsCheck;

namespace IpcBridge.Tests.Properties;

/// <summary>The allowlist's decisions against a plain model: a rule grants its operations on its exact name or prefix.</summary>
public class AllowlistProperties
{
    private const int Iterations = 3_000;

    // A small alphabet, so generated prefixes and channels often meet.
    private static readonly Gen<string> Name = Gen.String[Gen.Char["ab:"], 0, 4];

    private static readonly Gen<IpcOperation> Operations = Gen.Int[0, (int)IpcOperation.All].Select(i => (IpcOperation)i);

    private static readonly Gen<(IpcOperation Operations, string Pattern)> RuleGen = Gen.Select(
        Operations,
        Gen.Select(Name, Gen.Bool).Where((text, prefix) => prefix || text.Length > 0).Select((text, prefix) => prefix ? text + "*" : text));

    private static readonly Gen<(IpcOperation Operations, string Pattern)[]> Rules = RuleGen.Array[0, 6];

    [Fact]
    public void IsAllowed_AnyRulesOperationAndChannel_AgreesWithTheModel()
    {
        Gen.Select(Rules, Operations, Name).Sample(
            (rules, operation, channel) =>
            {
                ChannelAllowlist list = Build(rules);

                list.IsAllowed(operation, channel).Should().Be(Model(rules, operation, channel), "rules {0}", list);
            },
            iter: Iterations);
    }

    [Fact]
    public void Rules_SentInAWelcomeAndRebuilt_DecideAsTheOriginal()
    {
        Gen.Select(Rules, Operations, Name).Sample(
            (rules, operation, channel) =>
            {
                ChannelAllowlist list = Build(rules);
                ChannelAllowlist rebuilt = ChannelAllowlist.FromRules(list.AllowsEverything, list.ToRules());

                rebuilt.IsAllowed(operation, channel).Should().Be(list.IsAllowed(operation, channel));
                rebuilt.ToString().Should().Be(list.ToString());
            },
            iter: Iterations);
    }

    [Fact]
    public void AllowAll_AnyOperationAndChannel_Allowed()
    {
        Gen.Select(Rules, Operations, Name).Sample(
            (rules, operation, channel) => Build(rules, ChannelAllowlist.AllowAll()).IsAllowed(operation, channel).Should().BeTrue(),
            iter: Iterations / 3);
    }

    [Fact]
    public void Allow_StarAnywhereButTheEnd_Refused()
    {
        Gen.Select(Name.Where(n => n.Length > 0), Name.Where(n => n.Length > 0)).Sample(
            (before, after) =>
            {
                Action allow = () => ChannelAllowlist.DenyAll.AllowSend(before + "*" + after);
                allow.Should().Throw<ArgumentException>();
            },
            iter: Iterations / 3);
    }

    private static ChannelAllowlist Build((IpcOperation Operations, string Pattern)[] rules, ChannelAllowlist? start = null)
        => rules.Aggregate(start ?? ChannelAllowlist.DenyAll, (list, rule) => list.Allow(rule.Operations, rule.Pattern));

    /// <summary>Every operation asked for is granted by some rule whose pattern matches the channel.</summary>
    private static bool Model((IpcOperation Operations, string Pattern)[] rules, IpcOperation operation, string channel)
    {
        foreach (IpcOperation bit in Enum.GetValues<IpcOperation>().Where(b => b is not IpcOperation.None and not IpcOperation.All))
        {
            if ((operation & bit) == 0)
            {
                continue;
            }

            bool granted = rules.Any(r => (r.Operations & bit) != 0 && (r.Pattern.EndsWith('*')
                ? channel.StartsWith(r.Pattern[..^1], StringComparison.Ordinal)
                : channel == r.Pattern));
            if (!granted)
            {
                return false;
            }
        }

        return true;
    }
}
