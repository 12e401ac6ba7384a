namespace IpcBridge.Tests.Diagnostics;

/// <summary>
/// Activity and meter listeners see the whole process, so the tests that use them run on their own, after the
/// parallel ones, and tell their own measurements apart by channel names no other test uses.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryGroup
{
    public const string Name = "Telemetry";
}
