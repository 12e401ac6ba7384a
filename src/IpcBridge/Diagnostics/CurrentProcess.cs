namespace IpcBridge.Diagnostics;

/// <summary>The id of this OS process, read once.</summary>
internal static class CurrentProcess
{
#if NET5_0_OR_GREATER
    public static int Id { get; } = System.Environment.ProcessId;
#else
    public static int Id { get; } = GetId();

    private static int GetId()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.Id;
    }
#endif
}
