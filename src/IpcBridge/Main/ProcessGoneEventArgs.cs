using System;

namespace IpcBridge;

/// <summary>Describes how an endpoint's child process ended, or why it never became an endpoint.</summary>
public sealed class ProcessGoneEventArgs : EventArgs
{
    internal ProcessGoneEventArgs(ProcessGoneReason reason, int? exitCode, WebContents? webContents, EndpointKind kind, string? name, int? processId)
    {
        this.Reason = reason;
        this.ExitCode = exitCode;
        this.WebContents = webContents;
        this.Kind = kind;
        this.Name = name;
        this.ProcessId = processId;
    }

    /// <summary>Gets why the process is gone.</summary>
    public ProcessGoneReason Reason { get; }

    /// <summary>Gets the exit code, when the process had one.</summary>
    public int? ExitCode { get; }

    /// <summary>
    /// Gets the endpoint the process served, or <see langword="null"/> when it never connected
    /// (<see cref="ProcessGoneReason.LaunchFailed"/>).
    /// </summary>
    public WebContents? WebContents { get; }

    /// <summary>Gets the kind of endpoint the process was, or was launched to be.</summary>
    public EndpointKind Kind { get; }

    /// <summary>Gets the endpoint's name: its <see cref="IpcBridge.WebContents.Name"/>, or for a failed launch the name it was given, if any.</summary>
    public string? Name { get; }

    /// <summary>Gets the OS process id, or <see langword="null"/> when the process could not be started at all.</summary>
    public int? ProcessId { get; }
}
