using System;
using IpcBridge.Diagnostics;

namespace IpcBridge;

/// <content>The <see cref="WebContentsCreated"/> event: a new endpoint, before anything it sends is dispatched.</content>
public sealed partial class MainProcess
{
    /// <summary>
    /// Raised for every new endpoint (created, attached or launched) before main dispatches anything it sends, as
    /// Electron's <c>app</c> <c>web-contents-created</c>: the place to register its own listeners and handlers on
    /// <see cref="WebContents.Ipc"/>, which then also answer what its preload sends while it runs.
    /// </summary>
    /// <remarks>
    /// Raised on the thread that creates, attaches or launches the endpoint, before that call returns and before the
    /// endpoint is ready: register there, and send to it once the call has returned. A handler's exception is logged;
    /// the endpoint is created all the same.
    /// </remarks>
    public event EventHandler<WebContentsCreatedEventArgs>? WebContentsCreated;

    private void RaiseWebContentsCreated(WebContents webContents)
    {
        try
        {
            this.WebContentsCreated?.Invoke(this, new WebContentsCreatedEventArgs(webContents));
        }
        catch (Exception ex)
        {
            Log.EventHandlerFailed(this.logger, nameof(this.WebContentsCreated), ex);
        }
    }
}
