using System;

namespace IpcBridge;

/// <summary>Thrown when a call with a time limit (such as <see cref="IpcRenderer.SendSync(string, object?[])"/>) gets no answer in time.</summary>
public class IpcTimeoutException : IpcException
{
    /// <summary>Creates an exception naming the channel and the time waited.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="timeout">How long the caller waited.</param>
    public IpcTimeoutException(string channel, TimeSpan timeout)
        : base($"No answer on channel '{channel}' within {timeout.TotalMilliseconds:0} ms.")
    {
        this.Channel = channel;
        this.Timeout = timeout;
    }

    /// <summary>Gets the channel.</summary>
    public string Channel { get; }

    /// <summary>Gets how long the caller waited.</summary>
    public TimeSpan Timeout { get; }
}
