namespace IpcBridge.Benchmarks.Processes;

/// <summary>The first argument that makes this program a child of a comparison instead of a benchmark run.</summary>
public static class ChildRoles
{
    /// <summary>Echoes length-prefixed frames on a Unix domain socket (the raw floor); arguments: the socket path, and <c>--blocking</c> for blocking calls.</summary>
    public const string SocketEcho = "child-socket-echo";

    /// <summary>Serves StreamJsonRpc on a Unix domain socket; argument: the socket path.</summary>
    public const string JsonRpc = "child-jsonrpc";

    /// <summary>An IpcBridge renderer or work endpoint launched by <c>MainProcess.LaunchAsync</c>.</summary>
    public const string Renderer = "child-renderer";
}
