using System.Threading;

namespace IpcBridge;

/// <content>Listeners and handlers scoped to this endpoint (<see cref="Ipc"/>).</content>
public sealed partial class WebContents
{
    // Made on first use: most endpoints never have handlers of their own, and dispatch skips a null one at no cost.
    private IpcMain? ipc;

    // Set once when the endpoint is gone; a scoped instance made after that is closed at once.
    private int ipcClosed;

    /// <summary>
    /// Gets the listeners and handlers scoped to this endpoint (Electron's <c>webContents.ipc</c>): an
    /// <see cref="IpcMain"/> with every member main's has (listeners, handlers, stream handlers, contracts, typed
    /// channels) that hears only this endpoint.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Precedence follows Electron. An invoke from this endpoint is answered by this instance's handler for the
    /// channel when it has one (of either kind: a stream handler here shadows a plain handler of main's and the other
    /// way round), else by <see cref="MainProcess.IpcMain"/>'s; a channel may have a handler in both. A message (a
    /// send, a sync send or a message with ports) runs this instance's listeners first, then main's, all with the same
    /// <see cref="IpcMainEvent"/>; a sync send fails for want of a listener only when neither has one.
    /// </para>
    /// <para>
    /// When the endpoint is destroyed, everything registered here is removed (before <see cref="Destroyed"/> is
    /// raised), and whatever is registered afterwards is dropped: nothing could reach it any more. The endpoint's
    /// allowlist is checked before either instance sees a frame.
    /// </para>
    /// <para>Thread-safe; the same instance every time.</para>
    /// </remarks>
    public IpcMain Ipc
    {
        get
        {
            IpcMain? existing = Volatile.Read(ref this.ipc);
            if (existing is not null)
            {
                return existing;
            }

            IpcMain created = this.owner.IpcMain.CreateScoped();
            existing = Interlocked.CompareExchange(ref this.ipc, created, null) ?? created;
            if (Volatile.Read(ref this.ipcClosed) != 0)
            {
                // The endpoint went while this instance was made: close it as the endpoint's end would have.
                existing.Close();
            }

            return existing;
        }
    }

    /// <summary>Gets the scoped instance if it was ever asked for, for dispatch.</summary>
    internal IpcMain? ScopedIpc => Volatile.Read(ref this.ipc);

    /// <summary>Empties the scoped instance for good: the endpoint is gone.</summary>
    private void CloseIpc()
    {
        Volatile.Write(ref this.ipcClosed, 1);
        this.ScopedIpc?.Close();
    }
}
