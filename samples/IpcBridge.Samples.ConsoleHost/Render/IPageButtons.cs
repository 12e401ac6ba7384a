using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The renderer page's buttons, as the scenarios click them: the page itself when it runs in main's process, or
/// <see cref="RemotePage"/> when it runs in a child process.
/// </summary>
internal interface IPageButtons
{
    /// <summary>Clicks a button and completes when its click handler has returned (for a promise, once it resolved).</summary>
    /// <param name="button">One of <see cref="PageButton"/>.</param>
    /// <returns>A task that completes when the click was handled; it fails with what the handler threw.</returns>
    Task ClickAsync(string button);
}
