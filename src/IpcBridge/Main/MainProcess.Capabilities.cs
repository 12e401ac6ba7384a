using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace IpcBridge;

/// <content>Capabilities: the reviewed policy new endpoints are granted from, and what each endpoint was granted.</content>
public sealed partial class MainProcess
{
    // What each endpoint was granted when it was created: entries go with their endpoints, nothing to remove.
    private readonly ConditionalWeakTable<WebContents, IpcEndpointPolicy> grantedPolicies = new();
    private IpcCapabilityPolicy capabilities = IpcCapabilityPolicy.Empty;

    /// <summary>
    /// Gets or sets the capabilities main grants endpoints from (by default <see cref="IpcCapabilityPolicy.Empty"/>: only
    /// what code passes). Each endpoint created, launched or attached gets the union of the capabilities matching its
    /// name and kind, plus the allowlist its options pass.
    /// </summary>
    /// <remarks>
    /// An endpoint's rights are fixed when it is created: setting a new policy (which <c>AddIpcBridge</c> does when the
    /// configuration changes) changes what new endpoints get and never widens or narrows a live one. Close and recreate
    /// an endpoint to apply a new policy to it.
    /// </remarks>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public IpcCapabilityPolicy Capabilities
    {
        get => Volatile.Read(ref this.capabilities);
        set => Volatile.Write(ref this.capabilities, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// Answers what an endpoint named <paramref name="endpointName"/> of <paramref name="kind"/> would be granted if it
    /// were created now, with <paramref name="fromCode"/> as its options' allowlist.
    /// </summary>
    /// <param name="endpointName">The endpoint's name, or <see langword="null"/> for an unnamed endpoint.</param>
    /// <param name="kind">The endpoint's kind.</param>
    /// <param name="fromCode">The allowlist its options would pass, or <see langword="null"/> for none.</param>
    /// <returns>The policy: matching capabilities, what code adds, and the effective allowlist.</returns>
    public IpcEndpointPolicy GetPolicy(string? endpointName, EndpointKind kind, ChannelAllowlist? fromCode = null)
        => this.Capabilities.For(endpointName, kind, fromCode);

    /// <summary>Answers what a live endpoint may do: the policy it was granted when it was created (later policy changes do not apply to it).</summary>
    /// <param name="webContents">One of this main's endpoints.</param>
    /// <returns>Its policy; its <see cref="IpcEndpointPolicy.Allowlist"/> is <see cref="WebContents.Allowlist"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="webContents"/> is not an endpoint of this main.</exception>
    public IpcEndpointPolicy GetPolicy(WebContents webContents)
    {
        if (webContents is null)
        {
            throw new ArgumentNullException(nameof(webContents));
        }

        return this.grantedPolicies.TryGetValue(webContents, out IpcEndpointPolicy? policy)
            ? policy
            : throw new ArgumentException($"{webContents} is not an endpoint of this main process.", nameof(webContents));
    }

    /// <summary>Decides what a new endpoint is granted, from the current policy and its options' allowlist.</summary>
    private IpcEndpointPolicy Grant(string? name, EndpointKind kind, ChannelAllowlist? fromCode) => this.Capabilities.For(name, kind, fromCode);

    /// <summary>Remembers what <paramref name="webContents"/> was granted, for <see cref="GetPolicy(WebContents)"/>.</summary>
    private WebContents Granted(WebContents webContents, IpcEndpointPolicy policy)
    {
        this.grantedPolicies.Add(webContents, policy);
        return webContents;
    }
}
