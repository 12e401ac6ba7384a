using System;

namespace IpcBridge;

/// <summary>Describes how an endpoint's process ended.</summary>
public sealed class ProcessGoneEventArgs : EventArgs
{
    internal ProcessGoneEventArgs(ProcessGoneReason reason, int? exitCode)
    {
        this.Reason = reason;
        this.ExitCode = exitCode;
    }

    /// <summary>Gets why the process is gone.</summary>
    public ProcessGoneReason Reason { get; }

    /// <summary>Gets the exit code, when the process had one.</summary>
    public int? ExitCode { get; }
}
