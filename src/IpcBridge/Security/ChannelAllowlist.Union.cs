using System;
using System.Collections.Generic;
using System.Linq;

namespace IpcBridge;

/// <content>Combining and comparing lists: what capabilities and code grant together, and whether two lists grant the same.</content>
public sealed partial class ChannelAllowlist : IEquatable<ChannelAllowlist>
{
    /// <summary>The single operations, in the order a policy lists them.</summary>
    internal static readonly IpcOperation[] SingleOperations =
    [
        IpcOperation.Send, IpcOperation.SendSync, IpcOperation.Invoke, IpcOperation.Receive, IpcOperation.Ports, IpcOperation.Handle,
    ];

    /// <summary>
    /// Returns a list that permits everything this list or <paramref name="other"/> permits: this list's rules, then those
    /// of <paramref name="other"/> it does not already have.
    /// </summary>
    /// <param name="other">The other list.</param>
    /// <returns>The combined list (<see cref="AllowAll"/> when either permits everything).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    public ChannelAllowlist Union(ChannelAllowlist other)
    {
        if (other is null)
        {
            throw new ArgumentNullException(nameof(other));
        }

        // AllowAll has no rules, so "permits everything" is decided before "has no rules".
        if (this.AllowsEverything)
        {
            return this;
        }

        if (other.AllowsEverything || this.rules.Length == 0)
        {
            return other;
        }

        if (other.rules.Length == 0)
        {
            return this;
        }

        var combined = new List<Rule>(this.rules);
        foreach (Rule rule in other.rules)
        {
            if (!combined.Contains(rule))
            {
                combined.Add(rule);
            }
        }

        return new ChannelAllowlist(combined.ToArray(), false);
    }

    /// <summary>
    /// Gets a value indicating whether <paramref name="other"/> grants exactly the same operations on exactly the same
    /// patterns as this list, in any order and however they were grouped (<c>Allow(Receive | Ports, "port")</c> equals
    /// <c>AllowReceive("port").AllowPorts("port")</c>). Patterns are compared as written: <c>"files:*"</c> and the
    /// channels it happens to cover are different grants.
    /// </summary>
    /// <param name="other">The other list.</param>
    /// <returns><see langword="true"/> when both grant the same.</returns>
    public bool Equals(ChannelAllowlist? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other) || (this.AllowsEverything && other.AllowsEverything))
        {
            return true;
        }

        return this.AllowsEverything == other.AllowsEverything && this.Grants().SetEquals(other.Grants());
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => this.Equals(obj as ChannelAllowlist);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (this.AllowsEverything)
        {
            return 1;
        }

        // Order-independent, as equality is.
        int hash = 0;
        foreach ((IpcOperation operation, string pattern) in this.Grants())
        {
            hash ^= ((int)operation * 397) ^ StringComparer.Ordinal.GetHashCode(pattern);
        }

        return hash;
    }

    /// <summary>Lists, per single operation in <see cref="SingleOperations"/> order, the patterns that grant it (as written, first grant first).</summary>
    internal IEnumerable<(IpcOperation Operation, IReadOnlyList<string> Patterns)> PatternsByOperation()
    {
        foreach (IpcOperation operation in SingleOperations)
        {
            string[] patterns = this.rules
                .Where(r => (r.Operations & operation) != 0)
                .Select(r => r.IsPrefix ? r.Text + "*" : r.Text)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            if (patterns.Length > 0)
            {
                yield return (operation, patterns);
            }
        }
    }

    /// <summary>Every (single operation, pattern) pair the rules grant.</summary>
    private HashSet<(IpcOperation Operation, string Pattern)> Grants()
    {
        var grants = new HashSet<(IpcOperation, string)>();
        foreach (Rule rule in this.rules)
        {
            foreach (IpcOperation operation in SingleOperations)
            {
                if ((rule.Operations & operation) != 0)
                {
                    grants.Add((operation, rule.IsPrefix ? rule.Text + "*" : rule.Text));
                }
            }
        }

        return grants;
    }
}
