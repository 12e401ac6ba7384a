using System;
using System.ComponentModel;
using System.Diagnostics;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>Opens URLs in the default browser (Electron's <c>shell.openExternal</c>), or only says it would.</summary>
internal sealed class Shell
{
    private readonly bool launch;
    private readonly EndpointConsole console;

    /// <summary>Creates the shell.</summary>
    /// <param name="launch">Whether to really start the browser (the sample's <c>--open</c>).</param>
    /// <param name="console">Main's console.</param>
    public Shell(bool launch, EndpointConsole console)
    {
        this.launch = launch;
        this.console = console;
    }

    /// <summary>Opens <paramref name="url"/> if it is an http or https URL, and prints what happened.</summary>
    /// <param name="url">The URL, as a renderer sent it.</param>
    public void OpenExternal(string url)
    {
        string call = $"shell.openExternal(\"{url}\")";

        // The URL comes from a renderer: hand only web URLs to the OS shell, never file: or an app's custom scheme.
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            this.console.Log($"{call}: refused, not an http(s) URL");
            return;
        }

        if (!this.launch)
        {
            this.console.Log($"{call}: skipped, run with --open to open it in the default browser");
            return;
        }

        try
        {
            using Process? browser = Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
            this.console.Log($"{call}: opened");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            this.console.Log($"{call}: could not open it: {ex.Message}");
        }
    }
}
