using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>A window main launched as a child process: main's <see cref="WebContents"/> for it, and how its process ended.</summary>
internal sealed class ChildWindow
{
    private readonly TaskCompletionSource<ProcessGoneEventArgs> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChildWindow(WebContents webContents)
    {
        this.WebContents = webContents;
        webContents.ProcessGone += (_, e) => this.exited.TrySetResult(e);
    }

    /// <summary>Gets main's handle to the window.</summary>
    public WebContents WebContents { get; }

    /// <summary>Gets a task that completes when the window's process has ended, with how it ended.</summary>
    public Task<ProcessGoneEventArgs> Exited => this.exited.Task;

    public override string ToString() => this.WebContents.ToString();
}
