using System;

namespace IpcBridge;

/// <summary>
/// Thrown at the caller of an invoke (or a sync send) when the remote side could not produce a result:
/// no handler was registered for the channel, or the handler threw. Unlike Electron, which keeps only the
/// message, the remote exception's type name and stack text are kept too.
/// </summary>
public class IpcInvocationException : IpcException
{
    /// <summary>Creates an exception describing a remote failure.</summary>
    /// <param name="channel">The channel that was invoked.</param>
    /// <param name="message">The message shown to the caller.</param>
    /// <param name="remoteTypeName">The full type name of the remote exception, if one was thrown.</param>
    /// <param name="remoteMessage">The remote exception's message.</param>
    /// <param name="remoteStackTrace">The remote exception's stack text.</param>
    public IpcInvocationException(string channel, string message, string? remoteTypeName = null, string? remoteMessage = null, string? remoteStackTrace = null)
        : base(message)
    {
        this.Channel = channel;
        this.RemoteTypeName = remoteTypeName;
        this.RemoteMessage = remoteMessage;
        this.RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>Gets the channel that was invoked.</summary>
    public string Channel { get; }

    /// <summary>Gets the full type name of the exception thrown on the remote side, or <see langword="null"/> when none was thrown (e.g. no handler).</summary>
    public string? RemoteTypeName { get; }

    /// <summary>Gets the message of the exception thrown on the remote side.</summary>
    public string? RemoteMessage { get; }

    /// <summary>Gets the stack text of the exception thrown on the remote side.</summary>
    public string? RemoteStackTrace { get; }

    /// <inheritdoc />
    public override string ToString()
        => this.RemoteStackTrace is null
            ? base.ToString()
            : base.ToString() + Environment.NewLine + "--- remote stack (" + this.RemoteTypeName + ") ---" + Environment.NewLine + this.RemoteStackTrace;
}
