using System;
using System.Collections.Generic;
using Microsoft.AspNetCore.Http;

namespace IpcBridge.AspNetCore;

/// <summary>How <c>MapIpcBridge</c> accepts web pages: who each page is, and which origins and hosts may connect.</summary>
public sealed class IpcBridgeEndpointOptions
{
    /// <summary>
    /// Gets or sets the callback that decides, from the WebSocket request, the page's name, kind and allowlist; it
    /// returns <see langword="null"/> to refuse the page (HTTP 403). It runs after the Host and Origin checks and before
    /// the page's token is checked. When it is not set, every page that passes the checks is a
    /// <see cref="EndpointKind.Window"/> that may use no channel at all.
    /// </summary>
    public Func<HttpContext, WebRendererOptions?>? Accept { get; set; }

    /// <summary>
    /// Gets the origins (<c>scheme://host[:port]</c>, compared exactly, ignoring case) whose pages may connect. When
    /// empty (the default), only the app's own origin may: the request's scheme and <c>Host</c>. A request without an
    /// <c>Origin</c> header (not a browser page) is accepted only with a valid page token, which every connection needs anyway.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>
    /// Gets the host names (without port, ignoring case) a request's <c>Host</c> header may carry, against DNS
    /// rebinding. When empty (the default): <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c> and the names the server
    /// listens on. Add the names a reverse proxy or a LAN address serves the app under.
    /// </summary>
    public IList<string> AllowedHosts { get; } = new List<string>();
}
