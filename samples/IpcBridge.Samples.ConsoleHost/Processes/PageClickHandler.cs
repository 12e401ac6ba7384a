using System;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The child's side of <see cref="RemotePage"/>: handles main's invokes on <see cref="HostChannels.Click"/> by clicking
/// the page's button, and answers once the button's click handler has returned. It belongs to the host, like devtools,
/// not to the preload or the page.
/// </summary>
internal sealed class PageClickHandler
{
    private IPageButtons? page;

    /// <summary>Registers the handler; call it in the preload, so no click can arrive before it.</summary>
    /// <param name="ipcRenderer">The renderer's IPC.</param>
    public void Register(IpcRenderer ipcRenderer)
        => ipcRenderer.Handle(HostChannels.Click, (_, args) => this.ClickAsync(args.Get<string>(0)));

    /// <summary>Clicks on <paramref name="page"/> from now on; main clicks only once the child said it is ready.</summary>
    /// <param name="page">The mounted page.</param>
    public void Serve(IPageButtons page) => Volatile.Write(ref this.page, page);

    private async Task ClickAsync(string? button)
    {
        IPageButtons page = Volatile.Read(ref this.page) ?? throw new InvalidOperationException("The page is not mounted yet.");
        await page.ClickAsync(button ?? string.Empty);
    }
}
