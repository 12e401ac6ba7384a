using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using IpcBridge.AspNetCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps IpcBridge's web endpoint and the pages it serves.</summary>
public static class IpcBridgeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the IpcBridge web endpoint at <paramref name="pattern"/>: the WebSocket that attaches each page as an
    /// endpoint of the app's <see cref="IpcBridge.MainProcess"/> (from the services: <c>AddIpcBridge().AddWebRenderers()</c>),
    /// <c>{pattern}/sync</c> for the pages' <c>sendSync</c>, and <c>{pattern}/ipc-renderer.js</c> and
    /// <c>{pattern}/ipc-renderer.d.ts</c>, the page's client. Call <c>app.UseWebSockets()</c> before it.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The endpoint's route, for example <c>/ipc</c>.</param>
    /// <param name="configure">Decides who each page is (<see cref="IpcBridgeEndpointOptions.Accept"/>) and which origins and hosts may connect.</param>
    /// <returns>A builder for conventions (authorization, host filtering) that apply to all of the endpoint's routes.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IEndpointConventionBuilder MapIpcBridge(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern, Action<IpcBridgeEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var options = new IpcBridgeEndpointOptions();
        configure?.Invoke(options);
        var endpoint = new WebRendererEndpoint(endpoints.ServiceProvider, options);

        RouteGroupBuilder group = endpoints.MapGroup(pattern);
        group.Map(string.Empty, endpoint.HandleSocketAsync);
        group.MapPost("/sync", endpoint.HandleSyncAsync);
        group.MapGet("/ipc-renderer.js", ClientFile("ipc-renderer.js", "text/javascript; charset=utf-8"));
        group.MapGet("/ipc-renderer.d.ts", ClientFile("ipc-renderer.d.ts", "text/plain; charset=utf-8"));
        return group;
    }

    /// <summary>
    /// Serves an HTML file at <paramref name="pattern"/> as a page of the app: each request issues the page a fresh token
    /// and puts it, with the endpoint's path, into the page's <c>head</c> (<see cref="IpcBridgePage.WithLink"/>), where
    /// <c>ipc-renderer.js</c> finds them. The file is read on each request.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The page's route, for example <c>/</c>.</param>
    /// <param name="htmlFile">The HTML file; a relative path is taken from the app's content root.</param>
    /// <param name="endpoint">The path <c>MapIpcBridge</c> was given. Default <c>/ipc</c>.</param>
    /// <returns>The route's builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IEndpointConventionBuilder MapIpcBridgePage(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern, string htmlFile, string endpoint = "/ipc")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(htmlFile);
        ArgumentNullException.ThrowIfNull(endpoint);
        string path = Path.IsPathRooted(htmlFile)
            ? htmlFile
            : Path.Combine(endpoints.ServiceProvider.GetService<IWebHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory, htmlFile);
        return endpoints.MapGet(pattern, async context =>
        {
            string html = await File.ReadAllTextAsync(path, context.RequestAborted).ConfigureAwait(false);
            string token = context.IssueIpcBridgeToken();
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(IpcBridgePage.WithLink(html, endpoint, token), context.RequestAborted).ConfigureAwait(false);
        });
    }

    private static RequestDelegate ClientFile(string name, string contentType)
    {
        byte[] content = ReadResource(name);
        return async context =>
        {
            context.Response.ContentType = contentType;
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.ContentLength = content.Length;
            await context.Response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
        };
    }

    private static byte[] ReadResource(string name)
    {
        using Stream stream = typeof(WebRendererOptions).Assembly.GetManifestResourceStream("IpcBridge.AspNetCore." + name)
            ?? throw new InvalidOperationException($"The package's resource {name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
