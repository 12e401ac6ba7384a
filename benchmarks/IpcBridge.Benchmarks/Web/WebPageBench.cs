using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Benchmarks.Web;

/// <summary>
/// A page in headless Chromium that measures, with its own clock, IpcBridge from the page (ipc-renderer.js over the
/// web endpoint) and raw WebSocket messages to the same server: main asks it to run <c>n</c> operations of a kind and
/// it answers the elapsed milliseconds. Both run in the same page, browser and server, so they differ only by IpcBridge.
/// </summary>
public sealed class WebPageBench : IAsyncDisposable
{
    /// <summary>Set to a Chromium or Chrome executable to use that one; otherwise chromium is looked up on the PATH.</summary>
    public const string ChromiumVariable = "IPCBRIDGE_CHROMIUM";

    private static readonly string[] ChromiumNames = ["chromium", "chromium-browser", "google-chrome"];

    private readonly WebApplication app;
    private readonly Process browser;
    private readonly string profile;

    private WebPageBench(WebApplication app, Process browser, string profile, WebContents page)
    {
        this.app = app;
        this.browser = browser;
        this.profile = profile;
        this.Page = page;
    }

    public WebContents Page { get; }

    /// <summary>Finds Chromium: <see cref="ChromiumVariable"/>, else chromium, chromium-browser or google-chrome on the PATH.</summary>
    public static string? FindChromium()
    {
        string? configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => ChromiumNames.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Starts the server and the browser, and waits until the page is connected.</summary>
    /// <exception cref="InvalidOperationException">No Chromium was found, or the page did not connect in time.</exception>
    public static async Task<WebPageBench> StartAsync(CancellationToken cancellationToken)
    {
        string chromium = FindChromium()
            ?? throw new InvalidOperationException($"The web-page scenario needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) or set {ChromiumVariable}.");
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddIpcBridge().AddWebRenderers();
        WebApplication app = builder.Build();
        app.UseWebSockets();
        app.MapIpcBridge("/ipc", o => o.Accept = _ => new WebRendererOptions { Name = "bench", Allowlist = ChannelAllowlist.DenyAll.AllowInvoke("bench:*").AllowSend("bench:*").AllowHandle("bench:run") });
        app.Map("/raw", RawAsync);
        app.MapGet("/", (HttpContext context) => Results.Content(IpcBridgePage.WithLink(PageHtml, "/ipc", context.IssueIpcBridgeToken()), "text/html"));

        MainProcess main = app.Services.GetRequiredService<MainProcess>();
        long counted = 0;
        main.IpcMain.Handle<string, string>("bench:echo", (_, text) => text);
        main.IpcMain.On<string>("bench:count", (_, _) => counted++);
        main.IpcMain.Handle<int, long>("bench:drain", (_, _) => Interlocked.Exchange(ref counted, 0));
        TaskCompletionSource<WebContents> connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        main.IpcMain.On("bench:ready", (e, _) => connected.TrySetResult(e.Sender));

        await app.StartAsync(cancellationToken);
        string profile = Path.Combine(Path.GetTempPath(), "ipcbridge-bench-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var startInfo = new ProcessStartInfo(chromium) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}", app.Urls.First() })
        {
            startInfo.ArgumentList.Add(arg);
        }

        Process browser = Process.Start(startInfo)!;
        browser.OutputDataReceived += (_, _) => { };
        browser.ErrorDataReceived += (_, _) => { };
        browser.BeginOutputReadLine();
        browser.BeginErrorReadLine();
        try
        {
            WebContents page = await connected.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return new WebPageBench(app, browser, profile, page);
        }
        catch
        {
            browser.Kill(entireProcessTree: true);
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks the page to run <paramref name="count"/> operations of <paramref name="kind"/>; returns seconds per operation.</summary>
    public async Task<double> RunAsync(string kind, int count, int size, CancellationToken cancellationToken)
    {
        double milliseconds = await this.Page.InvokeAsync<double>("bench:run", [kind, count, size], TimeSpan.FromMinutes(5), cancellationToken);
        return milliseconds / 1000 / count;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            this.browser.Kill(entireProcessTree: true);
            await this.browser.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        this.browser.Dispose();
        await this.app.StopAsync();
        await this.app.DisposeAsync();
        try
        {
            Directory.Delete(this.profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's helpers may still hold a file; the temporary folder is the OS's to clean.
        }
    }

    /// <summary>The raw floor: echoes each binary message, and answers a text message with how many binary ones it got.</summary>
    private static async Task RawAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        byte[] buffer = new byte[1 << 16];
        long count = 0;
        bool echo = context.Request.Query["mode"] == "echo";
        while (true)
        {
            ValueWebSocketReceiveResult result;
            int length = 0;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                length += result.Count;
            }
            while (!result.EndOfMessage && length < buffer.Length);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }

            if (result.MessageType == WebSocketMessageType.Text)
            {
                byte[] answer = System.Text.Encoding.UTF8.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                count = 0;
                await socket.SendAsync(answer, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            else if (echo)
            {
                await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Binary, true, CancellationToken.None);
            }
            else
            {
                count++;
            }
        }
    }

    private const string PageHtml = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>IpcBridge web benchmark</title></head><body>
        <script type="module">
          import { connect } from "/ipc/ipc-renderer.js";

          function open(mode) {
            return new Promise((resolve, reject) => {
              const socket = new WebSocket(new URL(`/raw?mode=${mode}`, location.href).href.replace(/^http/, "ws"));
              socket.binaryType = "arraybuffer";
              socket.onopen = () => resolve(socket);
              socket.onerror = reject;
            });
          }

          const echo = await open("echo");
          const sink = await open("count");
          let answered = null;
          echo.onmessage = () => answered();
          let counted = null;
          sink.onmessage = (m) => counted(Number(m.data));

          const text = (size) => "x".repeat(size);
          const bytes = (size) => new TextEncoder().encode(JSON.stringify([text(size)]));

          const kinds = {
            // Sequential round trips: an invoke to main's echo handler, and a raw message echoed by the server.
            async invoke(ipcRenderer, n, size) { const t = text(size); for (let i = 0; i < n; i++) await ipcRenderer.invoke("bench:echo", t); },
            async rawEcho(_ipc, n, size) { const b = bytes(size); for (let i = 0; i < n; i++) { await new Promise((r) => { answered = r; echo.send(b); }); } },
            // One way: n sends (then one call proves main got them all), and n raw messages (then the server says how many came).
            async send(ipcRenderer, n, size) {
              const t = text(size);
              for (let i = 0; i < n; i++) ipcRenderer.send("bench:count", t);
              const got = await ipcRenderer.invoke("bench:drain", 0);
              if (got !== n) throw new Error(`main counted ${got} of ${n} sends`);
            },
            async rawSend(_ipc, n, size) {
              const b = bytes(size);
              for (let i = 0; i < n; i++) sink.send(b);
              const got = await new Promise((r) => { counted = r; sink.send("count"); });
              if (got !== n) throw new Error(`the server counted ${got} of ${n} messages`);
            },
          };

          await connect({
            preload(ipcRenderer) {
              ipcRenderer.handle("bench:run", async (_e, kind, n, size) => {
                const started = performance.now();
                await kinds[kind](ipcRenderer, n, size);
                return performance.now() - started;
              });
            },
          }).then(({ ipcRenderer }) => ipcRenderer.send("bench:ready"));
        </script>
        </body></html>
        """;
}
