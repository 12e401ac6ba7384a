using System;
using System.Collections.Generic;
using System.Linq;

namespace IpcBridge;

/// <summary>
/// The channels an endpoint may use, per operation. A pattern is an exact channel name or a prefix ending in
/// <c>*</c> (<c>"files:*"</c>). The renderer side refuses anything outside the list before sending, and main
/// re-checks every inbound frame against the same list, so a compromised renderer cannot bypass it.
/// </summary>
/// <remarks>
/// Instances are immutable: every <c>Allow*</c> method returns a new list. The default for a renderer is
/// <see cref="DenyAll"/> (secure by default); <see cref="AllowAll"/> is meant for trusted work endpoints and tests.
/// Thread-safe.
/// </remarks>
public sealed partial class ChannelAllowlist
{
    private readonly Rule[] rules;

    private ChannelAllowlist(Rule[] rules, bool allowsEverything)
    {
        this.rules = rules;
        this.AllowsEverything = allowsEverything;
    }

    /// <summary>Gets a list that permits nothing: the default for every renderer.</summary>
    public static ChannelAllowlist DenyAll { get; } = new(Array.Empty<Rule>(), false);

    /// <summary>Gets a value indicating whether this list permits every operation on every channel.</summary>
    public bool AllowsEverything { get; }

    /// <summary>Returns a list that permits every operation on every channel.</summary>
    /// <returns>The permissive list.</returns>
    public static ChannelAllowlist AllowAll() => AllowAllInstance;

    /// <summary>Returns a new list that also permits <paramref name="operations"/> on channels matching <paramref name="patterns"/>.</summary>
    /// <param name="operations">The operations to permit.</param>
    /// <param name="patterns">Exact channel names, or prefixes ending in <c>*</c>.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentException">A pattern is empty, or has <c>*</c> anywhere but at its end.</exception>
    public ChannelAllowlist Allow(IpcOperation operations, params string[] patterns)
    {
        if (patterns is null)
        {
            throw new ArgumentNullException(nameof(patterns));
        }

        if (this.AllowsEverything)
        {
            return this;
        }

        var added = new List<Rule>(this.rules);
        foreach (string pattern in patterns)
        {
            if (PatternProblem(pattern) is { } problem)
            {
                throw new ArgumentException(problem, nameof(patterns));
            }

            var rule = pattern[pattern.Length - 1] == '*'
                ? new Rule(operations, pattern.Substring(0, pattern.Length - 1), isPrefix: true)
                : new Rule(operations, pattern, isPrefix: false);

            // The same grant twice (two capabilities, or a capability and the code, naming one channel) is one rule.
            if (!added.Contains(rule))
            {
                added.Add(rule);
            }
        }

        return new ChannelAllowlist(added.ToArray(), false);
    }

    /// <summary>Returns a new list that also permits <see cref="IpcOperation.Send"/> on the channels.</summary>
    /// <param name="patterns">Exact channel names, or prefixes ending in <c>*</c>.</param>
    /// <returns>A new list.</returns>
    public ChannelAllowlist AllowSend(params string[] patterns) => this.Allow(IpcOperation.Send, patterns);

    /// <summary>Returns a new list that also permits <see cref="IpcOperation.SendSync"/> on the channels.</summary>
    /// <param name="patterns">Exact channel names, or prefixes ending in <c>*</c>.</param>
    /// <returns>A new list.</returns>
    public ChannelAllowlist AllowSendSync(params string[] patterns) => this.Allow(IpcOperation.SendSync, patterns);

    /// <summary>Returns a new list that also permits <see cref="IpcOperation.Invoke"/> on the channels.</summary>
    /// <param name="patterns">Exact channel names, or prefixes ending in <c>*</c>.</param>
    /// <returns>A new list.</returns>
    public ChannelAllowlist AllowInvoke(params string[] patterns) => this.Allow(IpcOperation.Invoke, patterns);

    /// <summary>Returns a new list that also permits <see cref="IpcOperation.Receive"/> on the channels.</summary>
    /// <param name="patterns">Exact channel names, or prefixes ending in <c>*</c>.</param>
    /// <returns>A new list.</returns>
    public ChannelAllowlist AllowReceive(params string[] patterns) => this.Allow(IpcOperation.Receive, patterns);

    /// <summary>Returns a new list that also permits carrying ports (<see cref="IpcOperation.Ports"/>) on the channels.</summary>
    /// <param name="patterns">Exact channel names, or prefixes ending in <c>*</c>.</param>
    /// <returns>A new list.</returns>
    public ChannelAllowlist AllowPorts(params string[] patterns) => this.Allow(IpcOperation.Ports, patterns);

    /// <summary>Returns a new list that also lets the endpoint answer main's invokes (<see cref="IpcOperation.Handle"/>) on the channels.</summary>
    /// <param name="patterns">Exact channel names, or prefixes ending in <c>*</c>.</param>
    /// <returns>A new list.</returns>
    public ChannelAllowlist AllowHandle(params string[] patterns) => this.Allow(IpcOperation.Handle, patterns);

    /// <summary>Gets a value indicating whether every operation in <paramref name="operation"/> is permitted on <paramref name="channel"/>.</summary>
    /// <param name="operation">One or more operations; all must be permitted.</param>
    /// <param name="channel">The channel name.</param>
    /// <returns><see langword="true"/> when permitted.</returns>
    public bool IsAllowed(IpcOperation operation, string channel)
    {
        if (this.AllowsEverything)
        {
            return true;
        }

        if (channel is null)
        {
            return false;
        }

        IpcOperation granted = IpcOperation.None;
        foreach (Rule rule in this.rules)
        {
            if ((rule.Operations & operation) != 0 && rule.Matches(channel))
            {
                granted |= rule.Operations;
                if ((granted & operation) == operation)
                {
                    return true;
                }
            }
        }

        return operation == IpcOperation.None;
    }

    /// <summary>Says what is wrong with a channel pattern, or returns <see langword="null"/> when it is well formed.</summary>
    /// <remarks>The one definition of a pattern, shared with capability files.</remarks>
    internal static string? PatternProblem(string? pattern, string of = "A channel")
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return $"{of} pattern must not be empty.";
        }

        int star = pattern!.IndexOf('*');
        return star >= 0 && star != pattern.Length - 1 ? $"{of} pattern '{pattern}' may have '*' only at its end." : null;
    }

    /// <summary>Lists the rules as (operations, pattern) pairs, for the handshake that tells an endpoint its list.</summary>
    internal (IpcOperation Operations, string Pattern)[] ToRules()
        => this.rules.Select(r => (r.Operations, r.IsPrefix ? r.Text + "*" : r.Text)).ToArray();

    /// <summary>Rebuilds a list from <see cref="ToRules"/>.</summary>
    internal static ChannelAllowlist FromRules(bool allowsEverything, (IpcOperation Operations, string Pattern)[] rules)
    {
        if (allowsEverything)
        {
            return AllowAllInstance;
        }

        ChannelAllowlist list = DenyAll;
        foreach ((IpcOperation operations, string pattern) in rules)
        {
            list = list.Allow(operations, pattern);
        }

        return list;
    }

    /// <inheritdoc />
    public override string ToString()
        => this.AllowsEverything
            ? "AllowAll"
            : this.rules.Length == 0 ? "DenyAll" : string.Join("; ", this.rules.Select(r => r.ToString()));

    private static readonly ChannelAllowlist AllowAllInstance = new(Array.Empty<Rule>(), true);

    private readonly struct Rule : IEquatable<Rule>
    {
        public Rule(IpcOperation operations, string text, bool isPrefix)
        {
            this.Operations = operations;
            this.Text = text;
            this.IsPrefix = isPrefix;
        }

        public IpcOperation Operations { get; }

        public string Text { get; }

        public bool IsPrefix { get; }

        public bool Matches(string channel)
            => this.IsPrefix ? channel.StartsWith(this.Text, StringComparison.Ordinal) : string.Equals(channel, this.Text, StringComparison.Ordinal);

        public bool Equals(Rule other)
            => this.Operations == other.Operations && this.IsPrefix == other.IsPrefix && string.Equals(this.Text, other.Text, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is Rule other && this.Equals(other);

        public override int GetHashCode() => ((int)this.Operations * 31) ^ (this.IsPrefix ? 1 : 0) ^ StringComparer.Ordinal.GetHashCode(this.Text);

        public override string ToString() => $"{this.Operations}: {this.Text}{(this.IsPrefix ? "*" : string.Empty)}";
    }
}
