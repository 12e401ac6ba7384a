using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using IpcBridge.AspNetCore;
using IpcBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Tests.Web;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a dynamic port, with IpcBridge's web endpoint at <c>/ipc</c> and pages served
/// at <c>/pages/{name}</c>, each with a fresh token (<see cref="AddPage"/>). TestHost cannot serve a real browser.
/// </summary>
public sealed class TestWebApp : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, string> pages = new(StringComparer.Ordinal);

    private TestWebApp(WebApplication app, CapturingLoggerProvider logs)
    {
        this.app = app;
        this.Logs = logs;
    }

    /// <summary>Gets the server's base URL, <c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>Gets the WebSocket endpoint's URL.</summary>
    public Uri SocketUrl => new(this.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ipc");

    public int Port => new Uri(this.Url).Port;

    public CapturingLoggerProvider Logs { get; }

    public MainProcess Main => this.app.Services.GetRequiredService<MainProcess>();

    public IpcMain IpcMain => this.Main.IpcMain;

    public IpcBridgePageTokens Tokens => this.app.Services.GetRequiredService<IpcBridgePageTokens>();

    public static async Task<TestWebApp> StartAsync(
        Action<IpcBridgeEndpointOptions>? endpoint = null,
        Action<IpcBridgeOptions>? ipc = null,
        Action<WebApplication>? map = null,
        IPAddress? address = null)
    {
        var logs = new CapturingLoggerProvider();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(address ?? IPAddress.Loopback, 0));
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddIpcBridge(o =>
        {
            o.HandshakeTimeout = TimeSpan.FromSeconds(30);
            ipc?.Invoke(o);
        }).AddWebRenderers();
        WebApplication app = builder.Build();
        var web = new TestWebApp(app, logs);
        app.UseWebSockets();
        app.MapIpcBridge("/ipc", endpoint ?? (o => o.Accept = _ => new WebRendererOptions { Name = "page", Allowlist = ChannelAllowlist.AllowAll() }));
        app.MapGet("/pages/{name}", (HttpContext context, string name) =>
        {
            if (!web.pages.TryGetValue(name, out string? html))
            {
                return Results.NotFound();
            }

            string token = context.IssueIpcBridgeToken();
            return Results.Content(IpcBridgePage.WithLink(html, "/ipc", token), "text/html; charset=utf-8");
        });
        map?.Invoke(app);
        await app.StartAsync();
        web.Url = app.Urls.First().TrimEnd('/');
        return web;
    }

    /// <summary>Serves <paramref name="html"/> at <c>/pages/{name}</c> with a fresh token on every load.</summary>
    /// <returns>The page's URL.</returns>
    public string AddPage(string name, string html)
    {
        this.pages[name] = html;
        return $"{this.Url}/pages/{name}";
    }

    /// <summary>Stops the server as the host does on Ctrl+C or SIGTERM.</summary>
    public Task StopAsync() => this.app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await this.app.StopAsync();
        await this.app.DisposeAsync();
    }
}
