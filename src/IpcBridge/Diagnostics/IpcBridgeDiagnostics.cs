namespace IpcBridge;

/// <summary>
/// The names under which IpcBridge publishes traces and metrics, for OpenTelemetry or any
/// <see cref="System.Diagnostics.ActivityListener"/> and <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// Spans: <c>ipc.invoke</c> (client) around every call (invoke, stream invoke, sync send) in either direction, and
/// <c>ipc.handle</c> (server) around the handler that answers it, a child of the caller's span: the W3C trace context
/// travels in the call's frame, across processes too. Instruments: see the <c>*Instrument</c> constants.
/// </remarks>
public static class IpcBridgeDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "IpcBridge";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "IpcBridge";

    /// <summary>
    /// Counter of frames carrying messages and calls, tagged <c>ipc.direction</c> (sent, received) and <c>ipc.frame</c>
    /// (the frame kind). A frame is counted as sent once the link has taken it; in one process the receiver may count it
    /// first, so the two directions are not ordered against each other.
    /// </summary>
    public const string MessagesInstrument = "ipcbridge.messages";

    /// <summary>Counter of payload bytes, tagged <c>ipc.direction</c>.</summary>
    public const string BytesInstrument = "ipcbridge.bytes";

    /// <summary>Histogram of call latency at the caller in milliseconds, tagged <c>ipc.channel</c> and <c>ipc.outcome</c> (ok, error, cancelled, timeout, disconnected).</summary>
    public const string InvokeDurationInstrument = "ipcbridge.invoke.duration";

    /// <summary>Counter of frames refused by an allowlist, tagged <c>ipc.channel</c> and <c>ipc.operation</c>.</summary>
    public const string DeniedInstrument = "ipcbridge.denied";

    /// <summary>Up-down counter of live endpoints connected to a main process, tagged <c>ipc.endpoint.kind</c>.</summary>
    public const string LiveEndpointsInstrument = "ipcbridge.endpoints.live";
}
