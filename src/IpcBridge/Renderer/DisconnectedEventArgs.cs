using System;

namespace IpcBridge;

/// <summary>Why a link ended.</summary>
public sealed class DisconnectedEventArgs : EventArgs
{
    internal DisconnectedEventArgs(IpcDisconnectedException exception) => this.Exception = exception;

    /// <summary>Gets the reason.</summary>
    public DisconnectReason Reason => this.Exception.Reason;

    /// <summary>Gets the exception pending calls failed with.</summary>
    public IpcDisconnectedException Exception { get; }
}
