using System;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IpcBridge.AspNetCore;

/// <summary>
/// Puts a page's link into its HTML: the endpoint's path and a fresh page token, as the two <c>meta</c> tags that
/// <c>ipc-renderer.js</c> reads (docs/web.md). <c>MapIpcBridgePage</c> does this for a file; call these for a page
/// served any other way.
/// </summary>
public static partial class IpcBridgePage
{
    /// <summary>The <c>meta</c> name of the endpoint's path.</summary>
    public const string EndpointMetaName = "ipc-bridge-endpoint";

    /// <summary>The <c>meta</c> name of the page token.</summary>
    public const string TokenMetaName = "ipc-bridge-token";

    /// <summary>
    /// Issues a token for the page this request serves (<see cref="IpcBridgePageTokens.Issue"/>) and marks the response
    /// <c>Cache-Control: no-store</c>, since a cached copy of the page would carry a used token.
    /// </summary>
    /// <param name="context">The request that serves the page.</param>
    /// <returns>The token.</returns>
    /// <exception cref="InvalidOperationException"><c>AddWebRenderers()</c> was not called.</exception>
    public static string IssueIpcBridgeToken(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IpcBridgePageTokens tokens = context.RequestServices.GetService<IpcBridgePageTokens>()
            ?? throw new InvalidOperationException("No IpcBridgePageTokens in the services: call services.AddIpcBridge().AddWebRenderers().");
        context.Response.Headers.CacheControl = "no-store";
        return tokens.Issue();
    }

    /// <summary>Returns <paramref name="html"/> with the link's two <c>meta</c> tags at the start of its <c>head</c> (or of the document, when it has none).</summary>
    /// <param name="html">The page.</param>
    /// <param name="endpoint">The endpoint's path or URL, as mapped by <c>MapIpcBridge</c> (for example <c>/ipc</c>).</param>
    /// <param name="token">The page's token.</param>
    /// <returns>The page with its link.</returns>
    public static string WithLink(string html, string endpoint, string token)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(token);
        string tags = $"<meta name=\"{EndpointMetaName}\" content=\"{WebUtility.HtmlEncode(endpoint)}\">"
            + $"<meta name=\"{TokenMetaName}\" content=\"{WebUtility.HtmlEncode(token)}\">";
        Match head = HeadTag().Match(html);
        return head.Success ? html.Insert(head.Index + head.Length, tags) : tags + html;
    }

    [GeneratedRegex(@"<head(\s[^>]*)?>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeadTag();
}
