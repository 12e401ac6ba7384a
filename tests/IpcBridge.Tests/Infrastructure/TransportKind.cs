namespace IpcBridge.Tests.Infrastructure;

/// <summary>The transports every semantic test runs on.</summary>
public enum TransportKind
{
    /// <summary>Endpoints in one process, frames handed over in memory.</summary>
    InProcess,

    /// <summary>Endpoints joined by a real OS stream (a Unix domain socket pair), through the stream transport.</summary>
    Stream,
}
