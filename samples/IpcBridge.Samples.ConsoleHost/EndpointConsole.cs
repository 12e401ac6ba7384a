using System;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// One party's <c>console.log</c>: main's, the renderer's, or the work endpoint's. In one process it writes to the
/// transcript; in a child process it relays each line to main (see <see cref="ConsoleRelay"/>).
/// </summary>
internal sealed class EndpointConsole
{
    private readonly Action<string> write;

    public EndpointConsole(Action<string> write) => this.write = write;

    /// <summary>Prints a line.</summary>
    /// <param name="text">The line.</param>
    public void Log(string text) => this.write(text);
}
