using System;

namespace IpcBridge;

/// <summary>Describes an endpoint main has just created, attached or launched (<see cref="MainProcess.WebContentsCreated"/>).</summary>
public sealed class WebContentsCreatedEventArgs : EventArgs
{
    internal WebContentsCreatedEventArgs(WebContents webContents) => this.WebContents = webContents;

    /// <summary>Gets the new endpoint; nothing it sent has been dispatched yet.</summary>
    public WebContents WebContents { get; }
}
