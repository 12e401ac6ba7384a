namespace IpcBridge;

/// <summary>
/// A group of main-process listeners and handlers registered as a service (see
/// <c>IIpcBridgeBuilder.AddHandler&lt;T&gt;()</c>); the container builds it with its dependencies and it registers
/// its channels once, when <see cref="MainProcess"/> is first resolved.
/// </summary>
public interface IIpcMainHandler
{
    /// <summary>Registers this group's listeners and handlers.</summary>
    /// <param name="ipcMain">Main's IPC.</param>
    void Register(IpcMain ipcMain);
}
