using System;

namespace IpcBridge;

/// <summary>Describes an inbound frame that main refused because it was outside the sender's allowlist.</summary>
public sealed class AccessDeniedEventArgs : EventArgs
{
    internal AccessDeniedEventArgs(WebContents sender, IpcOperation operation, string channel)
    {
        this.Sender = sender;
        this.Operation = operation;
        this.Channel = channel;
    }

    /// <summary>Gets the endpoint that sent the frame.</summary>
    public WebContents Sender { get; }

    /// <summary>Gets the operation that was refused.</summary>
    public IpcOperation Operation { get; }

    /// <summary>Gets the channel.</summary>
    public string Channel { get; }
}
