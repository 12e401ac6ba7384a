using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>
/// Endpoints attached and detached over and over, in turn over a socket (AttachAsync) and in-process
/// (CreateWindowAsync), each answering one call: file descriptors, threads and main's WebContents table must come back
/// to where they started.
/// </summary>
public static class Churn
{
    private const int WarmUp = 20;

    public static async Task<StressResult> RunAsync(int cycles)
    {
        var result = new StressResult("churn");
        await using var main = new MainProcess();
        main.IpcMain.Handle("hello", (e, a) => a.Get<int>(0) + 1);
        Resources start = default;
        int tableAtStart = 0;
        for (int i = 0; i < cycles + WarmUp; i++)
        {
            if (i == WarmUp)
            {
                start = Resources.Measure();
                tableAtStart = main.GetAllWebContents().Count;
            }

            int answer = i % 2 == 0 ? await OverSocketAsync(main, i) : await InProcessAsync(main, i);
            result.Check(answer == i + 1, $"cycle {i}: answered {answer}");
            if ((i + 1) % 1000 == 0)
            {
                Console.WriteLine($"  {i + 1} cycles; {Resources.Measure()}");
            }
        }

        Resources end = await Resources.SettleAsync(start);
        int tableAtEnd = main.GetAllWebContents().Count;
        result.Figures["attach/detach cycles"] = cycles.ToString(CultureInfo.InvariantCulture);
        result.Figures["start (after warm-up)"] = start.ToString();
        result.Figures["end"] = end.ToString();
        result.Figures["WebContents table start -> end"] = $"{tableAtStart} -> {tableAtEnd}";
        result.Check(end.Sockets <= start.Sockets, $"sockets, pipes and event descriptors: {start.Sockets} -> {end.Sockets}: {Resources.DescribeHandles()}");

        // Files the runtime opens once (an assembly first used late, e.g. for an exception's stack trace) stay open.
        result.Check(end.Handles <= start.Handles + 8, $"file descriptors: {start.Handles} -> {end.Handles}: {Resources.DescribeHandles()}");
        result.Check(tableAtEnd == tableAtStart, $"WebContents table: {tableAtStart} -> {tableAtEnd}");

        // The thread pool sizes itself (and retires idle workers only after a while): the check is on every other thread.
        result.Check(end.Threads <= start.Threads, $"threads outside the pool: {start.Threads} -> {end.Threads}");
        return result;
    }

    private static async Task<int> OverSocketAsync(MainProcess main, int i)
    {
        (Stream mainEnd, Stream peerEnd) = await SocketPair.CreateAsync();
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Allowlist = ChannelAllowlist.DenyAll.AllowInvoke("hello"), LaunchToken = "c" });
        IpcRenderer? ipc = null;
        RendererProcess renderer = await RendererProcess.ConnectAsync(peerEnd, new RendererProcessOptions { LaunchToken = "c", Preload = (r, _) => ipc = r });
        WebContents contents = await attaching;
        int answer;
        await using (renderer)
        {
            answer = await ipc!.InvokeAsync<int>("hello", i);
        }

        await WaitDestroyedAsync(contents);
        return answer;
    }

    private static async Task<int> InProcessAsync(MainProcess main, int i)
    {
        IpcRenderer? ipc = null;
        RendererEndpoint endpoint = await main.CreateWindowAsync(new RendererOptions { Allowlist = ChannelAllowlist.DenyAll.AllowInvoke("hello"), Preload = (r, _) => ipc = r });
        int answer;
        await using (endpoint)
        {
            answer = await ipc!.InvokeAsync<int>("hello", i);
        }

        await WaitDestroyedAsync(endpoint.WebContents);
        return answer;
    }

    private static async Task WaitDestroyedAsync(WebContents contents)
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        contents.Destroyed += (_, _) => gone.TrySetResult();
        if (!contents.IsDestroyed)
        {
            await gone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
