namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The sample host's own channels, used only when the renderer and the work endpoint run in child processes. They are
/// not part of the article's app: they stand in for what devtools and a test driver do in Electron (show a window's
/// console, click a page's button). Each child's allowlist is its preload's plus exactly these.
/// </summary>
internal static class HostChannels
{
    /// <summary>Child to main, sync: one line of the child's console, answered once main has printed it.</summary>
    public const string Console = "host:console";

    /// <summary>Main to renderer: click a page button (a click id and one of <see cref="PageButton"/>).</summary>
    public const string Click = "host:click";

    /// <summary>Renderer to main: the click's handler has returned (the click id, and the error or <see langword="null"/>).</summary>
    public const string Clicked = "host:clicked";

    /// <summary>Adds the host's channels to the renderer's allowlist.</summary>
    /// <param name="preload">The channels the renderer's preload uses.</param>
    /// <returns>Those and the host's.</returns>
    public static ChannelAllowlist ForRenderer(ChannelAllowlist preload)
        => preload.AllowSendSync(Console).AllowReceive(Click).AllowSend(Clicked);

    /// <summary>Adds the host's channels to the work endpoint's allowlist: it is never clicked, it only prints.</summary>
    /// <param name="preload">The channels the work endpoint's preload uses.</param>
    /// <returns>Those and the host's.</returns>
    public static ChannelAllowlist ForWork(ChannelAllowlist preload) => preload.AllowSendSync(Console);
}
