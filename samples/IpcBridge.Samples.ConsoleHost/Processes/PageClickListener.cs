using System;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The child's side of <see cref="RemotePage"/>: when main asks on <see cref="HostChannels.Click"/>, clicks the page's
/// button, and answers on <see cref="HostChannels.Clicked"/> once the button's handler has returned, with what it threw
/// if it failed. It belongs to the host, like devtools, not to the preload or the page.
/// </summary>
internal sealed class PageClickListener
{
    private IPageButtons? page;

    /// <summary>Listens for clicks; call it in the preload, so no request can arrive before the listener.</summary>
    /// <param name="ipcRenderer">The renderer's IPC.</param>
    public void Listen(IpcRenderer ipcRenderer)
        => ipcRenderer.On(HostChannels.Click, (e, args) => _ = this.ClickAsync(e.Sender, args.Get<int>(0), args.Get<string>(1)));

    /// <summary>Clicks on <paramref name="page"/> from now on; main clicks only once the child said it is ready.</summary>
    /// <param name="page">The mounted page.</param>
    public void Serve(IPageButtons page) => Volatile.Write(ref this.page, page);

    private async Task ClickAsync(IpcRenderer ipcRenderer, int click, string? button)
    {
        string? error = null;
        try
        {
            IPageButtons page = Volatile.Read(ref this.page) ?? throw new InvalidOperationException("The page is not mounted yet.");
            await page.ClickAsync(button ?? string.Empty);
        }
        catch (Exception ex)
        {
            // The failure is main's to report: it goes back with the answer.
            error = $"{ex.GetType().Name}: {ex.Message}";
        }

        try
        {
            ipcRenderer.Send(HostChannels.Clicked, click, error);
        }
        catch (IpcDisconnectedException)
        {
            // Main is gone, and this process exits with it: there is nobody left to answer.
        }
    }
}
