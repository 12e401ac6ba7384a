using System;

namespace IpcBridge;

/// <summary>
/// Thrown by <c>MainProcess.LaunchAsync</c> when a child could not be started, or exited or timed out before it
/// connected (Electron's <c>launch-failed</c>; see <see cref="ProcessGoneReason.LaunchFailed"/>).
/// </summary>
public class IpcLaunchException : IpcException
{
    /// <summary>Creates an exception describing the failed launch.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="exitCode">The child's exit code, if it started and exited.</param>
    /// <param name="innerException">The cause, if any.</param>
    public IpcLaunchException(string message, int? exitCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        this.ExitCode = exitCode;
    }

    /// <summary>Gets the child's exit code, if it started and exited.</summary>
    public int? ExitCode { get; }
}
