using System;
using System.Collections.Generic;
using System.Linq;

namespace IpcBridge;

/// <summary>
/// A validated, immutable set of capabilities: answers what an endpoint of a given name and kind may do. Made from
/// <see cref="IpcCapabilityOptions"/> by <see cref="Create"/>; <see cref="MainProcess.Capabilities"/> holds the one main
/// grants new endpoints from.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class IpcCapabilityPolicy
{
    private readonly Capability[] capabilities;

    private IpcCapabilityPolicy(Capability[] capabilities) => this.capabilities = capabilities;

    /// <summary>Gets a policy with no capabilities: every endpoint gets only what its code grants (by default nothing).</summary>
    public static IpcCapabilityPolicy Empty { get; } = new(Array.Empty<Capability>());

    /// <summary>Gets the names of the capabilities, in the order they are applied (by name).</summary>
    public IReadOnlyList<string> CapabilityNames => this.capabilities.Select(c => c.Name).ToArray();

    /// <summary>Validates <paramref name="options"/> and makes a policy of them.</summary>
    /// <param name="options">The capabilities.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException">
    /// The options are invalid: an unknown operation or kind, a malformed pattern, an endpoint pattern that matches no
    /// declared endpoint name, a capability naming no endpoint. The message lists every problem, each starting with its
    /// configuration key (<c>IpcBridge:Capabilities:settings:Channels:Invoke:0</c>).
    /// </exception>
    public static IpcCapabilityPolicy Create(IpcCapabilityOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var problems = new List<string>();
        IpcCapabilityPolicy policy = Compile(options, problems);
        return problems.Count == 0
            ? policy
            : throw new ArgumentException($"The IpcBridge capabilities are invalid:{Environment.NewLine} - {string.Join(Environment.NewLine + " - ", problems)}", nameof(options));
    }

    /// <summary>
    /// Answers what an endpoint named <paramref name="endpointName"/> of <paramref name="kind"/> may do: the union of the
    /// capabilities that match it, plus <paramref name="fromCode"/>. With no match and nothing from code, it may do nothing.
    /// </summary>
    /// <param name="endpointName">The endpoint's name, or <see langword="null"/> for an unnamed endpoint.</param>
    /// <param name="kind">The endpoint's kind.</param>
    /// <param name="fromCode">What the code creating the endpoint grants explicitly, or <see langword="null"/> for nothing.</param>
    /// <returns>The endpoint's policy.</returns>
    public IpcEndpointPolicy For(string? endpointName, EndpointKind kind, ChannelAllowlist? fromCode = null)
    {
        var matched = new List<Capability>();
        ChannelAllowlist granted = ChannelAllowlist.DenyAll;
        foreach (Capability capability in this.capabilities)
        {
            if (capability.Matches(endpointName, kind))
            {
                matched.Add(capability);
                granted = granted.Union(capability.Allowlist);
            }
        }

        return new IpcEndpointPolicy(
            endpointName,
            kind,
            matched.Select(c => c.Name).ToArray(),
            matched.Select(c => c.Description).ToArray(),
            granted,
            fromCode ?? ChannelAllowlist.DenyAll);
    }

    /// <summary>Validates and compiles; every problem found is added to <paramref name="problems"/>, each starting with its key.</summary>
    internal static IpcCapabilityPolicy Compile(IpcCapabilityOptions options, List<string> problems)
    {
        problems.AddRange(options.ReadProblems);
        string namesPath = options.EndpointNamesPath ?? "EndpointNames";
        string[] declared = options.EndpointNames.ToArray();
        for (int i = 0; i < declared.Length; i++)
        {
            if (string.IsNullOrEmpty(declared[i]))
            {
                problems.Add($"{namesPath}:{i}: a declared endpoint name must not be empty.");
            }
        }

        var compiled = new List<Capability>();
        foreach (KeyValuePair<string, IpcCapability> entry in options.Capabilities
            .OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            string path = entry.Value?.Path ?? $"Capabilities:{entry.Key}";
            if (entry.Value is null)
            {
                problems.Add($"{path}: the capability is null.");
                continue;
            }

            var context = new CompileContext(path, problems, declared, namesPath);
            compiled.Add(context.Compile(entry.Key, entry.Value));
        }

        return compiled.Count == 0 ? Empty : new IpcCapabilityPolicy(compiled.ToArray());
    }

    /// <summary>Names an operation key as a capability file writes it.</summary>
    internal static string OperationName(IpcOperation operation) => operation == IpcOperation.All ? "All" : operation.ToString();

    /// <summary>One compiled capability.</summary>
    private sealed class Capability
    {
        public Capability(string name, string? description, string[] endpoints, EndpointKind? kind, ChannelAllowlist allowlist)
        {
            this.Name = name;
            this.Description = description;
            this.Endpoints = endpoints;
            this.Kind = kind;
            this.Allowlist = allowlist;
        }

        public string Name { get; }

        public string? Description { get; }

        public string[] Endpoints { get; }

        public EndpointKind? Kind { get; }

        public ChannelAllowlist Allowlist { get; }

        public bool Matches(string? endpointName, EndpointKind kind)
            => (this.Kind is null || this.Kind == kind) && this.Endpoints.Any(p => EndpointGlob.Matches(p, endpointName));
    }

    /// <summary>Compiles one capability, reporting each problem under the capability's configuration path.</summary>
    private readonly struct CompileContext
    {
        private readonly string path;
        private readonly List<string> problems;
        private readonly string[] declared;
        private readonly string namesPath;

        public CompileContext(string path, List<string> problems, string[] declared, string namesPath)
        {
            this.path = path;
            this.problems = problems;
            this.declared = declared;
            this.namesPath = namesPath;
        }

        public Capability Compile(string name, IpcCapability capability)
        {
            string[] endpoints = this.CheckEndpoints(capability.Endpoints);
            if (capability.Kind is { } kind && kind is not (EndpointKind.Window or EndpointKind.Work))
            {
                this.problems.Add($"{this.path}:Kind: '{kind}' is not a kind a capability can apply to; use Window or Work, or leave Kind out for both.");
            }

            ChannelAllowlist allowlist = ChannelAllowlist.DenyAll;
            allowlist = this.Grant(allowlist, "Channels", capability.Channels, contracts: false);
            allowlist = this.Grant(allowlist, "Contracts", capability.Contracts, contracts: true);
            return new Capability(name, capability.Description, endpoints, capability.Kind, allowlist);
        }

        private string[] CheckEndpoints(IList<string> patterns)
        {
            if (patterns.Count == 0)
            {
                this.problems.Add($"{this.path}:Endpoints: the capability names no endpoint, so it would grant nothing; name at least one (\"*\" for every endpoint).");
                return Array.Empty<string>();
            }

            var valid = new List<string>();
            for (int i = 0; i < patterns.Count; i++)
            {
                string pattern = patterns[i];
                if (string.IsNullOrEmpty(pattern))
                {
                    this.problems.Add($"{this.path}:Endpoints:{i}: an endpoint pattern must not be empty.");
                }
                else if (this.declared.Length > 0 && !this.declared.Any(d => !string.IsNullOrEmpty(d) && EndpointGlob.Overlaps(pattern, d)))
                {
                    this.problems.Add($"{this.path}:Endpoints:{i}: '{pattern}' matches none of the declared endpoint names ({this.namesPath}: {string.Join(", ", this.declared)}).");
                }
                else
                {
                    valid.Add(pattern);
                }
            }

            return valid.ToArray();
        }

        private ChannelAllowlist Grant(ChannelAllowlist allowlist, string section, IDictionary<IpcOperation, IList<string>> grants, bool contracts)
        {
            foreach (KeyValuePair<IpcOperation, IList<string>> grant in grants.OrderBy(g => (int)g.Key))
            {
                string key = $"{this.path}:{section}:{OperationName(grant.Key)}";
                if (grant.Key == IpcOperation.None || (grant.Key & ~IpcOperation.All) != 0)
                {
                    this.problems.Add($"{key}: '{grant.Key}' is not an operation; use Send, SendSync, Invoke, Receive, Ports, Handle or All.");
                    continue;
                }

                IList<string> patterns = grant.Value ?? Array.Empty<string>();
                for (int i = 0; i < patterns.Count; i++)
                {
                    string pattern = patterns[i];
                    if (ChannelAllowlist.PatternProblem(pattern, contracts ? "A contract" : "A channel") is { } problem)
                    {
                        this.problems.Add($"{key}:{i}: {problem}");
                        continue;
                    }

                    // A contract's channels are "{contract}.{method}": an exact contract name grants all of them.
                    allowlist = allowlist.Allow(grant.Key, contracts && pattern[pattern.Length - 1] != '*' ? pattern + ".*" : pattern);
                }
            }

            return allowlist;
        }
    }
}
