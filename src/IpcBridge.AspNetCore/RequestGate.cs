using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace IpcBridge.AspNetCore;

/// <summary>
/// The Host and Origin checks every request to the endpoint passes (the WebSocket and <c>sendSync</c>), before
/// anything else: against DNS rebinding and cross-site WebSocket hijacking.
/// </summary>
internal sealed class RequestGate
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    private readonly IpcBridgeEndpointOptions options;
    private readonly IServer? server;
    private HashSet<string>? defaultHosts;

    public RequestGate(IpcBridgeEndpointOptions options, IServer? server)
    {
        this.options = options;
        this.server = server;
    }

    /// <summary>Checks the request's Host and Origin headers.</summary>
    /// <param name="context">The request.</param>
    /// <param name="why">Why it was refused (without secrets: Host and Origin are not).</param>
    /// <returns>Whether the request may go on.</returns>
    public bool Admits(HttpContext context, out string why)
    {
        string host = context.Request.Host.Host;
        if (!this.IsAllowedHost(host))
        {
            why = $"the Host '{host}' is not a name this app serves";
            return false;
        }

        string? origin = context.Request.Headers.Origin;
        if (origin is not null && !this.IsAllowedOrigin(context.Request, origin))
        {
            why = $"the Origin '{origin}' is not allowed";
            return false;
        }

        why = string.Empty;
        return true;
    }

    private bool IsAllowedHost(string host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        if (this.options.AllowedHosts.Count > 0)
        {
            return this.options.AllowedHosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase));
        }

        return this.DefaultHosts().Contains(host);
    }

    private bool IsAllowedOrigin(HttpRequest request, string origin)
    {
        if (this.options.AllowedOrigins.Count > 0)
        {
            return this.options.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
        }

        // The app's own origin: what a page served by this very request's scheme and host sends.
        return string.Equals($"{request.Scheme}://{request.Host.Value}", origin, StringComparison.OrdinalIgnoreCase);
    }

    private HashSet<string> DefaultHosts()
    {
        HashSet<string>? hosts = this.defaultHosts;
        if (hosts is not null)
        {
            return hosts;
        }

        // The server's addresses are known only once it listens; the first request comes after that.
        hosts = new HashSet<string>(LoopbackNames, StringComparer.OrdinalIgnoreCase);
        foreach (string address in this.server?.Features.Get<IServerAddressesFeature>()?.Addresses ?? (ICollection<string>)Array.Empty<string>())
        {
            if (Uri.TryCreate(address.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out Uri? uri)
                && uri.Host is not ("wildcard" or "0.0.0.0" or "[::]"))
            {
                hosts.Add(uri.Host);
            }
        }

        this.defaultHosts = hosts;
        return hosts;
    }
}
