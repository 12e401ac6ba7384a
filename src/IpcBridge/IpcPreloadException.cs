using System;

namespace IpcBridge;

/// <summary>
/// Thrown by <see cref="MainProcess.AttachAsync"/> (and, as the inner exception of an <see cref="IpcLaunchException"/>,
/// by <c>MainProcess.LaunchAsync</c>) when an endpoint connected but never became ready: its preload threw, did not
/// return within <see cref="IpcBridgeOptions.HandshakeTimeout"/>, or the endpoint went away before it returned. The
/// endpoint's link is closed; main never hands out a half-connected endpoint.
/// </summary>
public class IpcPreloadException : IpcException
{
    /// <summary>Creates an exception describing an endpoint whose preload did not complete.</summary>
    /// <param name="message">What happened, naming the endpoint.</param>
    /// <param name="endpointId">The id main had given the endpoint.</param>
    /// <param name="endpointName">The endpoint's name, if it had one.</param>
    /// <param name="remoteTypeName">The full type name of the exception the preload threw, if it threw.</param>
    /// <param name="remoteMessage">The message of the exception the preload threw, if it threw.</param>
    /// <param name="remoteStackTrace">The stack text of the exception the preload threw, if it threw.</param>
    /// <param name="innerException">The local cause (a time limit, a lost link), if any.</param>
    public IpcPreloadException(
        string message,
        int endpointId,
        string? endpointName = null,
        string? remoteTypeName = null,
        string? remoteMessage = null,
        string? remoteStackTrace = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        this.EndpointId = endpointId;
        this.EndpointName = endpointName;
        this.RemoteTypeName = remoteTypeName;
        this.RemoteMessage = remoteMessage;
        this.RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>Gets the id main had given the endpoint.</summary>
    public int EndpointId { get; }

    /// <summary>Gets the endpoint's name, or <see langword="null"/> when it had none.</summary>
    public string? EndpointName { get; }

    /// <summary>Gets the full type name of the exception the preload threw, or <see langword="null"/> when it did not throw (it timed out, or the link was lost).</summary>
    public string? RemoteTypeName { get; }

    /// <summary>Gets the message of the exception the preload threw, or <see langword="null"/>.</summary>
    public string? RemoteMessage { get; }

    /// <summary>Gets the stack text of the exception the preload threw, or <see langword="null"/>.</summary>
    public string? RemoteStackTrace { get; }

    /// <inheritdoc />
    public override string ToString()
        => this.RemoteStackTrace is null
            ? base.ToString()
            : base.ToString() + Environment.NewLine + "--- remote stack (" + this.RemoteTypeName + ") ---" + Environment.NewLine + this.RemoteStackTrace;
}
