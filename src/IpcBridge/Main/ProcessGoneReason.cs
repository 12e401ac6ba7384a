namespace IpcBridge;

/// <summary>Why an endpoint's process is gone (Electron's <c>render-process-gone</c> reasons).</summary>
public enum ProcessGoneReason
{
    /// <summary>The process exited with code 0.</summary>
    CleanExit = 0,

    /// <summary>The process exited with a non-zero code or died of a fault.</summary>
    Crashed = 1,

    /// <summary>
    /// The process was killed: by main through <see cref="WebContents.Kill"/>, by main because it broke the wire protocol
    /// or outlived its link, or by a signal such as SIGKILL or SIGTERM.
    /// </summary>
    Killed = 2,

    /// <summary>
    /// The process could not be started, or exited, timed out or failed the handshake before it connected. Reported by
    /// <see cref="MainProcess.ChildProcessGone"/> only, since no <see cref="WebContents"/> exists yet.
    /// </summary>
    LaunchFailed = 3,
}
