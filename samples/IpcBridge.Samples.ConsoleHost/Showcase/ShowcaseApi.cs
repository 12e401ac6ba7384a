using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost.Showcase;

/// <summary>What the showcase's preload exposes to page code: the only way the page reaches IPC.</summary>
public interface IShowcaseApi
{
    /// <summary>Adds two numbers in main.</summary>
    /// <param name="a">The first number.</param>
    /// <param name="b">The second number.</param>
    /// <returns>The sum.</returns>
    Task<int> AddAsync(int a, int b);

    /// <summary>Starts a search in main that never ends, cancels it once main has it, and says how the call ended.</summary>
    /// <param name="pattern">What to search for.</param>
    /// <returns><c>cancelled</c>, or what else happened.</returns>
    Task<string> SearchAndCancelAsync(string pattern);

    /// <summary>Asks main to open a file that does not exist and returns the error's remote type and message.</summary>
    /// <returns>The error, as <c>type: message</c>.</returns>
    Task<string> OpenMissingFileAsync();

    /// <summary>Sends a sync message nobody answers and returns what happened.</summary>
    /// <returns>The exception's type and message.</returns>
    string SyncWithoutAnswer();

    /// <summary>Reads the first lines of main's endless log stream, then stops reading.</summary>
    /// <param name="count">How many lines to read.</param>
    /// <returns>The lines.</returns>
    Task<IReadOnlyList<string>> TailLogAsync(int count);

    /// <summary>Removes this window's <c>dialog:notify</c> handler, so main's later invokes there fail.</summary>
    void StopNotifications();

    /// <summary>Returns the channel of the last handler here whose call main cancelled (waits for one).</summary>
    /// <returns>The channel.</returns>
    Task<string> LastCancelledAsync();

    /// <summary>Renames a file through the typed <c>files:rename</c> channel.</summary>
    /// <param name="currentName">The current name.</param>
    /// <param name="newName">The new name.</param>
    /// <returns>Main's answer.</returns>
    Task<RenameResult> RenameAsync(string currentName, string newName);

    /// <summary>Waits for the next typed progress message from main.</summary>
    /// <returns>The progress.</returns>
    Task<JobProgress> NextProgressAsync();
}

/// <summary>The preload's implementation of <see cref="IShowcaseApi"/> over <see cref="IpcRenderer"/>.</summary>
internal sealed class ShowcaseApi : IShowcaseApi
{
    private readonly IpcRenderer ipc;
    private readonly TaskCompletionSource<string> cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<JobProgress> progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ShowcaseApi(IpcRenderer ipc)
    {
        this.ipc = ipc;
        ipc.On(ShowcaseChannels.Progress, (_, p) => this.progress.TrySetResult(p));
    }

    public Task<RenameResult> RenameAsync(string currentName, string newName) => this.ipc.InvokeAsync(ShowcaseChannels.Rename, new RenameRequest(currentName, newName));

    public Task<JobProgress> NextProgressAsync() => this.progress.Task;

    public Task<int> AddAsync(int a, int b) => this.ipc.InvokeAsync<int>("math:add", a, b);

    public async Task<string> SearchAndCancelAsync(string pattern)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await this.ipc.InvokeAsync<string[]>("files:search", new object?[] { pattern }, cts.Token);
            return "completed";
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
    }

    public async Task<string> OpenMissingFileAsync()
    {
        try
        {
            await this.ipc.InvokeAsync<string>("files:open", "settings.json");
            return "opened";
        }
        catch (IpcInvocationException ex)
        {
            return $"{ex.RemoteTypeName}: {ex.RemoteMessage}";
        }
    }

    public string SyncWithoutAnswer()
    {
        try
        {
            return this.ipc.SendSync<string>("sync:unanswered");
        }
        catch (IpcException ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    public async Task<IReadOnlyList<string>> TailLogAsync(int count)
    {
        var lines = new List<string>();
        await foreach (string line in this.ipc.InvokeStream<string>("logs:tail"))
        {
            lines.Add(line);
            if (lines.Count == count)
            {
                break;
            }
        }

        return lines;
    }

    public void StopNotifications() => this.ipc.RemoveHandler("dialog:notify");

    public Task<string> LastCancelledAsync() => this.cancelled.Task;

    public void Cancelled(string channel) => this.cancelled.TrySetResult(channel);
}
