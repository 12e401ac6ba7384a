using System;
using System.Collections.Generic;

namespace IpcBridge;

/// <summary>
/// The capabilities of an application: who may do what, as one reviewed file rather than allowlists scattered through
/// the code. Usually read from configuration (<c>AddCapabilities(configuration.GetSection("IpcBridge"))</c> on the
/// builder of <c>services.AddIpcBridge()</c>) and validated when the host starts.
/// </summary>
/// <remarks>
/// The configuration shape, under the section given to <c>AddCapabilities</c>:
/// <code>
/// "EndpointNames": [ "mainWindow", "settings-*" ],        // optional: the endpoint names the app uses
/// "Capabilities": {
///   "settings": {                                        // the capability's name
///     "Description": "The settings window reads and writes settings.",
///     "Endpoints": [ "settings-*" ],                     // exact names or * globs
///     "Kind": "Window",                                  // optional: Window or Work
///     "Channels": { "Invoke": [ "settings:*" ], "Receive": [ "settings:changed" ] },
///     "Contracts": { "Invoke": [ "files" ] }
///   }
/// }
/// </code>
/// Operations are <c>Send</c>, <c>SendSync</c>, <c>Invoke</c>, <c>Receive</c>, <c>Ports</c>, <c>Handle</c> and <c>All</c>.
/// Not thread-safe: fill it in while configuring, then leave it.
/// </remarks>
public sealed class IpcCapabilityOptions
{
    /// <summary>Gets the capabilities by name. Names compare ignoring case, as configuration keys do.</summary>
    public IDictionary<string, IpcCapability> Capabilities { get; } = new Dictionary<string, IpcCapability>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets the names of the endpoints the application creates, optionally. When there are any, every endpoint pattern
    /// of every capability must match at least one of them, so a misspelt name fails at startup instead of silently
    /// granting nothing. Each entry is an exact name; a glob entry (<c>"worker-*"</c>) declares a family of names, and
    /// a pattern matches it when the two can name the same endpoint.
    /// </summary>
    public IList<string> EndpointNames { get; } = new List<string>();

    /// <summary>Gets the problems the configuration reader found (each starting with the configuration key), for validation.</summary>
    internal List<string> ReadProblems { get; } = new();

    /// <summary>Gets or sets the configuration path of <see cref="EndpointNames"/>, for messages.</summary>
    internal string? EndpointNamesPath { get; set; }

    /// <summary>Gets or sets the policy validation compiled from these options, so main does not compile them again.</summary>
    internal IpcCapabilityPolicy? Compiled { get; set; }
}
