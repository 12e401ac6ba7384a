namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The sample host's own channels, used only when the renderer and the work endpoint run in child processes. They are
/// not part of the article's app: they stand in for what devtools and a test driver do in Electron (show a window's
/// console, click a page's button). Each child's allowlist is its preload's plus exactly these.
/// </summary>
internal static class HostChannels
{
    /// <summary>Child to main, sync send: one line of the child's console, answered once main has printed it.</summary>
    public const string Console = "host:console";

    /// <summary>Main to renderer, invoke: click a page button (one of <see cref="PageButton"/>); answered once the click was handled.</summary>
    public const string Click = "host:click";

    /// <summary>Adds the host's channels to the renderer's allowlist.</summary>
    /// <param name="preload">The channels the renderer's preload uses.</param>
    /// <returns>Those and the host's.</returns>
    public static ChannelAllowlist ForRenderer(ChannelAllowlist preload) => preload.AllowSendSync(Console).AllowHandle(Click);

    /// <summary>Adds the host's channels to the work endpoint's allowlist: it is never clicked, it only prints.</summary>
    /// <param name="preload">The channels the work endpoint's preload uses.</param>
    /// <returns>Those and the host's.</returns>
    public static ChannelAllowlist ForWork(ChannelAllowlist preload) => preload.AllowSendSync(Console);
}
