using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace IpcBridge;

/// <summary>
/// What one endpoint may do, and why: the capabilities that matched its name and kind, what its code granted, and the
/// union of both, which is the allowlist it gets. See <see cref="MainProcess.GetPolicy(string?, EndpointKind, ChannelAllowlist?)"/>.
/// </summary>
/// <remarks>Immutable and thread-safe. <see cref="ToString"/> is a multi-line report for people reviewing the policy.</remarks>
public sealed class IpcEndpointPolicy
{
    private readonly string?[] descriptions;

    internal IpcEndpointPolicy(
        string? endpointName, EndpointKind kind, string[] capabilities, string?[] descriptions, ChannelAllowlist fromCapabilities, ChannelAllowlist fromCode)
    {
        this.EndpointName = endpointName;
        this.Kind = kind;
        this.Capabilities = capabilities;
        this.descriptions = descriptions;
        this.FromCapabilities = fromCapabilities;
        this.FromCode = fromCode;
        this.Allowlist = fromCapabilities.Union(fromCode);
    }

    /// <summary>Gets the endpoint's name, or <see langword="null"/> for an unnamed endpoint.</summary>
    public string? EndpointName { get; }

    /// <summary>Gets the endpoint's kind.</summary>
    public EndpointKind Kind { get; }

    /// <summary>Gets the names of the capabilities that apply to the endpoint, in the order they were applied; empty when none does.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>Gets what the matching capabilities grant together (<see cref="ChannelAllowlist.DenyAll"/> when none matches).</summary>
    public ChannelAllowlist FromCapabilities { get; }

    /// <summary>Gets what the code creating the endpoint granted explicitly (<see cref="ChannelAllowlist.DenyAll"/> when nothing).</summary>
    public ChannelAllowlist FromCode { get; }

    /// <summary>Gets the endpoint's effective allowlist: <see cref="FromCapabilities"/> united with <see cref="FromCode"/>.</summary>
    public ChannelAllowlist Allowlist { get; }

    /// <summary>
    /// Describes the policy for review: the endpoint, the capabilities that apply (with their descriptions), what code
    /// added, then one line per operation listing the patterns it is permitted on.
    /// </summary>
    /// <returns>Several lines, without a final line break.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(this.EndpointName ?? "(unnamed)").Append(" (").Append(this.Kind).Append(')');
        if (this.Capabilities.Count == 0)
        {
            text.AppendLine().Append("  capabilities: none");
        }

        for (int i = 0; i < this.Capabilities.Count; i++)
        {
            text.AppendLine().Append("  capability ").Append(this.Capabilities[i]);
            if (!string.IsNullOrEmpty(this.descriptions[i]))
            {
                text.Append(": ").Append(this.descriptions[i]);
            }
        }

        if (!this.FromCode.Equals(ChannelAllowlist.DenyAll))
        {
            text.AppendLine().Append("  granted by code: ").Append(this.FromCode);
        }

        if (this.Allowlist.AllowsEverything)
        {
            text.AppendLine().Append("  may use every channel (AllowAll)");
            return text.ToString();
        }

        (IpcOperation Operation, IReadOnlyList<string> Patterns)[] lines = this.Allowlist.PatternsByOperation().ToArray();
        if (lines.Length == 0)
        {
            text.AppendLine().Append("  may use no channel (DenyAll)");
        }

        int width = lines.Length == 0 ? 0 : lines.Max(l => l.Operation.ToString().Length);
        foreach ((IpcOperation operation, IReadOnlyList<string> patterns) in lines)
        {
            text.AppendLine().Append("  ").Append(operation.ToString().PadRight(width)).Append("  ").Append(string.Join(", ", patterns));
        }

        return text.ToString();
    }
}
