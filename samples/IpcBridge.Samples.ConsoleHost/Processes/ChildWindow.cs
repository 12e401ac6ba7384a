using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>A window main launched as a child process: main's <see cref="WebContents"/> for it, and how its process ended.</summary>
internal sealed class ChildWindow
{
    public ChildWindow(WebContents webContents) => this.WebContents = webContents;

    /// <summary>Gets main's handle to the window.</summary>
    public WebContents WebContents { get; }

    /// <summary>Gets a task that completes when the window's process has ended, with how it ended (even if that was before anyone asked).</summary>
    public Task<ProcessGoneEventArgs> Exited => this.WebContents.WhenProcessGone;

    public override string ToString() => this.WebContents.ToString();
}
