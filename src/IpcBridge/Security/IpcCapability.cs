using System.Collections.Generic;

namespace IpcBridge;

/// <summary>
/// One capability of a capability file: the endpoints it applies to and what it lets them do. It mirrors one entry of
/// <c>IpcBridge:Capabilities</c> in configuration (see <see cref="IpcCapabilityOptions"/>), so what code sets here reads
/// the same as what a reviewer reads in the file.
/// </summary>
/// <remarks>
/// A capability only ever adds rights: an endpoint's allowlist is the union of every capability that matches it, plus
/// what the code that creates it passes; an endpoint that no capability matches keeps <see cref="ChannelAllowlist.DenyAll"/>.
/// Not thread-safe: fill it in while configuring, then leave it.
/// </remarks>
public sealed class IpcCapability
{
    /// <summary>Gets or sets what the capability is for, for reviewers and for <see cref="IpcEndpointPolicy"/>; optional.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Gets the names of the endpoints the capability applies to (the <c>Name</c> given when creating, launching or
    /// attaching one). Each is an exact name, or a glob in which <c>*</c> stands for any run of characters
    /// (<c>"settings-*"</c>, <c>"*"</c>). Names compare ordinally (case matters). An endpoint without a name matches only
    /// a pattern that matches the empty name, such as <c>"*"</c>.
    /// </summary>
    public IList<string> Endpoints { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the kind of endpoint the capability applies to (<see cref="EndpointKind.Window"/> or
    /// <see cref="EndpointKind.Work"/>), or <see langword="null"/> (the default) for both.
    /// </summary>
    public EndpointKind? Kind { get; set; }

    /// <summary>
    /// Gets the channels granted, per operation: each pattern is an exact channel name or a prefix ending in <c>*</c>,
    /// as in <see cref="ChannelAllowlist.Allow(IpcOperation, string[])"/>.
    /// </summary>
    public IDictionary<IpcOperation, IList<string>> Channels { get; } = new Dictionary<IpcOperation, IList<string>>();

    /// <summary>
    /// Gets the contracts granted, per operation (<see cref="IpcOperation.Invoke"/> for contracts main serves,
    /// <see cref="IpcOperation.Handle"/> for contracts the endpoint serves to main). A contract name <c>"files"</c> grants
    /// every channel of that contract, <c>"files.*"</c> (a contract method's channel is <c>"{contract}.{method}"</c>, see
    /// <see cref="IpcContractAttribute"/>); a prefix <c>"app-*"</c> grants every channel starting with <c>"app-"</c>.
    /// </summary>
    public IDictionary<IpcOperation, IList<string>> Contracts { get; } = new Dictionary<IpcOperation, IList<string>>();

    /// <summary>Gets or sets the configuration path of this capability, for messages; set by the configuration reader.</summary>
    internal string? Path { get; set; }
}
