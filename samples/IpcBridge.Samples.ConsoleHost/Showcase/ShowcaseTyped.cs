using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost.Showcase;

/// <summary>A request to rename a file.</summary>
/// <param name="From">The current name.</param>
/// <param name="To">The new name.</param>
public sealed record RenameRequest(string From, string To);

/// <summary>The answer to a <see cref="RenameRequest"/>.</summary>
/// <param name="Renamed">Whether the file was renamed.</param>
/// <param name="Path">Where it is now.</param>
public sealed record RenameResult(bool Renamed, string Path);

/// <summary>How far a job is.</summary>
/// <param name="Job">The job.</param>
/// <param name="Percent">Percent done.</param>
public sealed record JobProgress(string Job, int Percent);

/// <summary>Source-generated serialization metadata for the typed channels: no reflection, safe to trim.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RenameRequest))]
[JsonSerializable(typeof(RenameResult))]
[JsonSerializable(typeof(JobProgress))]
internal sealed partial class ShowcaseJson : JsonSerializerContext
{
}

/// <summary>The typed channels the showcase's main and window share: a payload of the wrong type does not compile.</summary>
internal static class ShowcaseChannels
{
    public static readonly IpcInvokeChannel<RenameRequest, RenameResult> Rename = new("files:rename", ShowcaseJson.Default.RenameRequest, ShowcaseJson.Default.RenameResult);

    public static readonly IpcChannel<JobProgress> Progress = new("jobs:progress", ShowcaseJson.Default.JobProgress);
}

/// <summary>A contract main implements and the window calls like a local interface; its methods are its allowlist.</summary>
[IpcContract("clock")]
public interface IClockService
{
    /// <summary>Says what time it is in main.</summary>
    /// <param name="zone">A label for the answer.</param>
    /// <returns>The time, as text.</returns>
    Task<string> NowAsync(string zone);

    /// <summary>Waits for an alarm that never rings, until the caller cancels.</summary>
    /// <param name="cancellationToken">Cancelled when the caller cancels: the call's own token, across the link.</param>
    /// <returns>Never returns normally.</returns>
    Task<string> WaitForAlarmAsync(CancellationToken cancellationToken);

    /// <summary>Ticks until the caller stops reading or cancels.</summary>
    /// <param name="cancellationToken">Cancelled when the caller stops.</param>
    /// <returns>The tick numbers.</returns>
    IAsyncEnumerable<int> TicksAsync(CancellationToken cancellationToken);
}

/// <content>The typed-channel and contract steps.</content>
internal sealed partial class Showcase
{
    private async Task RunTypedAndContractStepsAsync(MainProcess main, RendererEndpoint window, IShowcaseApi page, IClockService clock)
    {
        var service = new ClockService();
        await this.StepAsync("Typed channels with source-generated serialization", async () =>
        {
            main.IpcMain.Handle(ShowcaseChannels.Rename, (e, request) => new RenameResult(true, $"/docs/{request.To}"));
            RenameResult result = await page.RenameAsync("draft.txt", "final.txt");
            this.Say("window", $"files:rename -> {result}");
            Check(result == new RenameResult(true, "/docs/final.txt"), "the typed result arrives");

            window.WebContents.Send(ShowcaseChannels.Progress, new JobProgress("export", 40));
            JobProgress progress = await page.NextProgressAsync();
            this.Say("window", $"jobs:progress <- {progress}");
            Check(progress.Percent == 40, "the typed message arrives");
        });

        await this.StepAsync("Contract interfaces: an interface is the API and the allowlist", async () =>
        {
            main.IpcMain.HandleContract<IClockService>(service);
            string now = await clock.NowAsync("UTC");
            this.Say("window", $"clock.NowAsync -> {now}");
            Check(now.StartsWith("UTC ", StringComparison.Ordinal), "the contract call answers");

            var ticks = new List<int>();
            await foreach (int tick in clock.TicksAsync(CancellationToken.None))
            {
                ticks.Add(tick);
                if (ticks.Count == 3)
                {
                    break;
                }
            }

            this.Say("window", $"clock.TicksAsync -> {string.Join(", ", ticks)} (then stopped reading)");
            Check(ticks.Count == 3, "the contract's stream yields");
            this.Say("main", $"the window's allowlist: {window.WebContents.Allowlist}");
        });

        await this.StepAsync("A contract method's CancellationToken is cancelled across the link", async () =>
        {
            using var cts = new CancellationTokenSource();
            Task<string> alarm = clock.WaitForAlarmAsync(cts.Token);
            await service.AlarmStarted.Task.WaitAsync(StepTimeout);
            cts.Cancel();
            try
            {
                await alarm;
                Check(false, "a cancelled contract call must not complete");
            }
            catch (OperationCanceledException ex)
            {
                this.Say("window", $"clock.WaitForAlarmAsync, its token cancelled -> {ex.GetType().Name}");
            }

            bool cancelled = await service.AlarmCancelled.Task.WaitAsync(StepTimeout);
            this.Say("main", $"the implementation's CancellationToken was cancelled: {cancelled}");
            Check(cancelled, "the caller's token cancels the implementation's");
        });
    }

    private sealed class ClockService : IClockService
    {
        public TaskCompletionSource<bool> AlarmStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> AlarmCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> NowAsync(string zone) => Task.FromResult($"{zone} {DateTimeOffset.UtcNow:HH:mm:ss}");

        public async Task<string> WaitForAlarmAsync(CancellationToken cancellationToken)
        {
            this.AlarmStarted.TrySetResult(true);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                this.AlarmCancelled.TrySetResult(cancellationToken.IsCancellationRequested);
                throw;
            }

            return "ring";
        }

        public async IAsyncEnumerable<int> TicksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (int i = 1; ; i++)
            {
                await Task.Delay(10, cancellationToken);
                yield return i;
            }
        }
    }
}
