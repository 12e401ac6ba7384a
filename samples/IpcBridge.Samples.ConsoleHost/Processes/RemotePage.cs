using System;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The page's buttons when the page runs in a child process: main invokes the renderer's handler for
/// <see cref="HostChannels.Click"/> (<see cref="WebContents.InvokeAsync{TResult}(string, object?[], TimeSpan, System.Threading.CancellationToken)"/>,
/// answered by <see cref="PageClickHandler"/>), which returns once the button's click handler has. So the scenarios go
/// one step at a time, as they do in one process; what the click threw comes back as <see cref="IpcInvocationException"/>,
/// and a child that exits fails the call at once with <see cref="IpcDisconnectedException"/>.
/// </summary>
internal sealed class RemotePage : IPageButtons
{
    private readonly WebContents window;
    private readonly TimeSpan timeout;

    /// <summary>Creates the remote page.</summary>
    /// <param name="window">The renderer's window.</param>
    /// <param name="timeout">How long a click may take.</param>
    public RemotePage(WebContents window, TimeSpan timeout)
    {
        this.window = window;
        this.timeout = timeout;
    }

    /// <inheritdoc/>
    public Task ClickAsync(string button) => this.window.InvokeAsync<object?>(HostChannels.Click, [button], this.timeout);
}
