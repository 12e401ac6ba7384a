namespace IpcBridge.Benchmarks.Bridges;

/// <summary>The IpcBridge channels the benchmarks use, in main and in the endpoints.</summary>
public static class Channels
{
    /// <summary>Invoke: main returns the argument.</summary>
    public const string Echo = "echo";

    /// <summary>Invoke: main returns the <c>byte[]</c> argument (binary segments, no JSON text).</summary>
    public const string EchoBytes = "echo-bytes";

    /// <summary>Send to main: main reads the argument and counts.</summary>
    public const string Sink = "sink";

    /// <summary>Invoke: main returns how many sink messages arrived since the last drain, and starts again.</summary>
    public const string Drain = "drain";

    /// <summary>Send from main to endpoints: each reads the argument and counts.</summary>
    public const string Tick = "tick";

    /// <summary>Send to a child endpoint: a <see cref="RunCommand"/>.</summary>
    public const string Run = "run";

    /// <summary>Send from a child endpoint: a <see cref="RunResult"/>.</summary>
    public const string RunDone = "run-done";

    /// <summary>Send from a child endpoint when its preload is done.</summary>
    public const string Ready = "ready";

    /// <summary>Post to a child endpoint: a port and its role, <see cref="PortRoles"/>.</summary>
    public const string Port = "port";

    /// <summary>Send from a child endpoint when it has started its port.</summary>
    public const string PortReady = "port-ready";

    /// <summary>Renderer to main: forward this to the work endpoint.</summary>
    public const string ForwardOut = "forward-out";

    /// <summary>Main to the work endpoint: a forwarded message; the work endpoint sends it back.</summary>
    public const string ForwardIn = "forward-in";

    /// <summary>Work endpoint to main: forward this back to the renderer.</summary>
    public const string ForwardBack = "forward-back";

    /// <summary>Main to the renderer: the forwarded message, back.</summary>
    public const string ForwardReply = "forward-reply";
}
