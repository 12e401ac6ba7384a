namespace IpcBridge;

/// <summary>The role an endpoint plays in an IpcBridge application.</summary>
public enum EndpointKind
{
    /// <summary>The main process: owns <see cref="IpcMain"/> and a <see cref="WebContents"/> per endpoint.</summary>
    Main = 0,

    /// <summary>A visible renderer (a UI window).</summary>
    Window = 1,

    /// <summary>A hidden renderer used for background work.</summary>
    Work = 2,
}
