namespace IpcBridge.Benchmarks.Bridges;

/// <summary>What a <see cref="RunCommand"/> asks a child endpoint to time.</summary>
public static class RunKinds
{
    /// <summary>Sequential <c>IpcRenderer.InvokeAsync</c> calls of main's echo handler.</summary>
    public const string Invoke = "invoke";

    /// <summary>Sequential <c>IpcRenderer.InvokeAsync</c> calls of main's byte echo with a <c>byte[]</c> of the run's size.</summary>
    public const string InvokeBytes = "invoke-bytes";

    /// <summary><c>IpcRenderer.Send</c> to main's sink, then one drain call that proves every message arrived.</summary>
    public const string Send = "send";

    /// <summary>Round trips on the port, to the echoing end in another child.</summary>
    public const string Port = "port";

    /// <summary>Round trips to the work endpoint and back, each leg forwarded by main's listeners.</summary>
    public const string Forward = "forward";
}
