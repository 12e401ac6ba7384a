using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The page's buttons when the page runs in a child process. Main asks the child to click one on
/// <see cref="HostChannels.Click"/> and waits until the child answers on <see cref="HostChannels.Clicked"/> that the
/// button's handler has returned, so the scenarios go one step at a time, as they do in one process.
/// </summary>
internal sealed class RemotePage : IPageButtons
{
    private readonly ChildWindow window;
    private readonly TimeSpan timeout;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string?>> pending = new();
    private int lastClick;

    /// <summary>Creates the remote page and listens for the window's answers.</summary>
    /// <param name="ipcMain">Main's IPC.</param>
    /// <param name="window">The renderer's window.</param>
    /// <param name="timeout">How long a click may take.</param>
    public RemotePage(IpcMain ipcMain, ChildWindow window, TimeSpan timeout)
    {
        this.window = window;
        this.timeout = timeout;
        ipcMain.On(HostChannels.Clicked, (e, args) =>
        {
            if (e.Sender == window.WebContents && this.pending.TryRemove(args.Get<int>(0), out TaskCompletionSource<string?>? clicked))
            {
                clicked.TrySetResult(args.Get<string?>(1));
            }
        });
    }

    /// <inheritdoc/>
    public async Task ClickAsync(string button)
    {
        int click = Interlocked.Increment(ref this.lastClick);
        var clicked = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        this.pending[click] = clicked;
        try
        {
            this.window.WebContents.Send(HostChannels.Click, click, button);

            // A window whose process ended will never answer: fail at once rather than at the timeout.
            if (await Task.WhenAny(clicked.Task, this.window.Exited).WaitAsync(this.timeout) != clicked.Task)
            {
                ProcessGoneEventArgs gone = await this.window.Exited;
                throw new InvalidOperationException($"{this.window.WebContents.Name}'s process ended ({gone.Reason}) before it clicked {button}.");
            }
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"timed out after {this.timeout.TotalSeconds:0} s waiting for {this.window.WebContents.Name} to click {button}");
        }
        finally
        {
            this.pending.TryRemove(click, out _);
        }

        if (await clicked.Task is string error)
        {
            throw new InvalidOperationException($"clicking {button} in {this.window.WebContents.Name} failed: {error}");
        }
    }
}
