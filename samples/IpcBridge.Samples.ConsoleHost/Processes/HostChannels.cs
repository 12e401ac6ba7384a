namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The sample host's own channels, used only when the renderer and the work endpoint run in child processes. They are
/// not part of the article's app: they stand in for what devtools and a test driver do in Electron (show a window's
/// console, click a page's button). Each child's allowlist is its capability's (appsettings.json) plus exactly these,
/// which the code grants when it launches the child: they exist only when the windows are child processes, while a
/// capability applies to an endpoint name however the endpoint runs.
/// </summary>
internal static class HostChannels
{
    /// <summary>Child to main, sync send: one line of the child's console, answered once main has printed it.</summary>
    public const string Console = "host:console";

    /// <summary>Main to renderer, invoke: click a page button (one of <see cref="PageButton"/>); answered once the click was handled.</summary>
    public const string Click = "host:click";

    /// <summary>Gets the host's channels for the renderer, granted by code on top of its capability.</summary>
    public static ChannelAllowlist ForRenderer { get; } = ChannelAllowlist.DenyAll.AllowSendSync(Console).AllowHandle(Click);

    /// <summary>Gets the host's channels for the work endpoint: it is never clicked, it only prints.</summary>
    public static ChannelAllowlist ForWork { get; } = ChannelAllowlist.DenyAll.AllowSendSync(Console);
}
