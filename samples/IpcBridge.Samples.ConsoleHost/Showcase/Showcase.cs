using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost.Showcase;

/// <summary>
/// <c>--showcase</c>: what IpcBridge does beyond Electron's IPC, one short demonstration per feature, each checked.
/// Main and one window run in this process; every feature shown works the same with the window in a child process.
/// </summary>
internal sealed partial class Showcase
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    private readonly TextWriter output;
    private readonly ConcurrentQueue<Activity> spans = new();
    private readonly ConcurrentQueue<IpcFrameTrace> frames = new();
    private int failures;

    private Showcase(TextWriter output) => this.output = output;

    /// <summary>Runs every demonstration.</summary>
    /// <param name="output">Where the transcript goes.</param>
    /// <returns>0 when every demonstration did what it shows, 1 otherwise.</returns>
    public static async Task<int> RunAsync(TextWriter output)
    {
        var showcase = new Showcase(output);
        await showcase.RunAllAsync();
        output.WriteLine();
        output.WriteLine(showcase.failures == 0 ? "Every showcase step passed." : $"{showcase.failures} showcase step(s) FAILED.");
        return showcase.failures == 0 ? 0 : 1;
    }

    private async Task RunAllAsync()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IpcBridgeDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = this.spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var counts = new ConcurrentDictionary<string, long>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == IpcBridgeDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) => counts.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        meters.Start();

        bool tracing = false;
        var options = new IpcBridgeOptions
        {
            SendSyncTimeout = TimeSpan.FromMilliseconds(300),
            FrameTrace = frame =>
            {
                if (Volatile.Read(ref tracing))
                {
                    this.frames.Enqueue(frame);
                }
            },
        };
        options.ChannelTimeouts["dialog:hang"] = TimeSpan.FromMilliseconds(300);
        await using var main = new MainProcess(options);
        this.RegisterMainHandlers(main);
        RendererEndpoint window = await main.CreateWindowAsync(new RendererOptions
        {
            Name = "mainWindow",
            Allowlist = WindowAllowlist(),
            Preload = Preload,
        });
        var page = window.MainWorld.Get<IShowcaseApi>("showcase");

        await this.StepAsync("Invoke from main (webContents.invoke, which Electron lacks)", async () =>
        {
            bool confirmed = await window.WebContents.InvokeAsync<bool>("dialog:confirm", "Delete 3 files?");
            this.Say("main", $"the window answered dialog:confirm with {confirmed}");
            Check(confirmed, "the window confirms");
        });

        await this.StepAsync("HandleOnce and RemoveHandler in the window, for invokes from main", async () =>
        {
            string welcome = await window.WebContents.InvokeAsync<string>("dialog:welcome");
            this.Say("main", $"dialog:welcome answered once: {welcome}");
            string again = await InvokeOutcomeAsync(window.WebContents, "dialog:welcome");
            this.Say("main", $"dialog:welcome again: {again}");
            Check(again.Contains("No handler registered for 'dialog:welcome'", StringComparison.Ordinal), "a once-handler answers one invoke only");

            bool shown = await window.WebContents.InvokeAsync<bool>("dialog:notify", "Saved");
            page.StopNotifications();
            string removed = await InvokeOutcomeAsync(window.WebContents, "dialog:notify", "Saved again");
            this.Say("main", $"dialog:notify {shown}, then after the window removed its handler: {removed}");
            Check(shown && removed.Contains("No handler registered for 'dialog:notify'", StringComparison.Ordinal), "a removed handler answers no more");
        });

        await this.StepAsync("Invokes from main are always bounded by a time limit", async () =>
        {
            try
            {
                await window.WebContents.InvokeAsync<bool>("dialog:hang");
                Check(false, "a hung handler must time out");
            }
            catch (IpcTimeoutException ex)
            {
                this.Say("main", $"{ex.GetType().Name}: {ex.Message}");
                Check(ex.Channel == "dialog:hang", "the exception names the channel");
            }

            string seen = await page.LastCancelledAsync();
            this.Say("window", $"its dialog:hang handler saw its token cancelled: {seen}");
            Check(seen == "dialog:hang", "the hung handler is cancelled");
        });

        await this.StepAsync("A time limit per call, ahead of the channel's", async () =>
        {
            TimeSpan limit = TimeSpan.FromMilliseconds(100);
            try
            {
                await window.WebContents.InvokeAsync<bool>("dialog:hang", Array.Empty<object?>(), limit);
                Check(false, "a hung handler must time out");
            }
            catch (IpcTimeoutException ex)
            {
                this.Say("main", $"{ex.GetType().Name}: {ex.Message}");
                Check(ex.Timeout == limit, "the call's own limit wins over the channel's 300 ms");
            }
        });

        await this.StepAsync("Cancelling an invoke cancels the handler in main", async () =>
        {
            string outcome = await page.SearchAndCancelAsync("*.log");
            this.Say("window", $"search: {outcome}");
            Check(outcome == "cancelled", "the caller sees OperationCanceledException");
            bool handlerCancelled = await this.searchCancelled.Task.WaitAsync(StepTimeout);
            this.Say("main", $"the files:search handler's token was cancelled: {handlerCancelled}");
            Check(handlerCancelled, "main's handler is cancelled");
        });

        await this.StepAsync("Errors keep their type, message and stack", async () =>
        {
            string error = await page.OpenMissingFileAsync();
            this.Say("window", error);
            Check(error.StartsWith(typeof(FileNotFoundException).FullName!, StringComparison.Ordinal), "the remote type name arrives");
        });

        await this.StepAsync("sendSync cannot hang forever", () =>
        {
            string outcome = page.SyncWithoutAnswer();
            this.Say("window", outcome);
            Check(outcome.Contains("IpcTimeoutException", StringComparison.Ordinal), "a sync send nobody answers times out");
            return Task.CompletedTask;
        });

        await this.StepAsync("Streaming: a handler returning IAsyncEnumerable, with back-pressure", async () =>
        {
            IReadOnlyList<string> lines = await page.TailLogAsync(5);
            foreach (string line in lines)
            {
                this.Say("window", $"logs:tail -> {line}");
            }

            Check(lines.Count == 5, "five lines arrive");
            bool stopped = await this.tailStopped.Task.WaitAsync(StepTimeout);
            this.Say("main", $"the endless logs:tail producer stopped when the window stopped reading: {stopped}");
            Check(stopped, "the producer is stopped");
        });

        await this.StepAsync("A stream ends with IpcDisconnectedException when its producer goes away", async () =>
        {
            RendererEndpoint ticker = await main.CreateWindowAsync(new RendererOptions
            {
                Name = "ticker",
                Allowlist = ChannelAllowlist.DenyAll.AllowHandle("ticks:*"),
                Preload = (ipc, _) => ipc.HandleStream("ticks:endless", (e, a) => EndlessAsync(e.CancellationToken)),
            });
            int read = 0;
            try
            {
                await foreach (int tick in ticker.WebContents.InvokeStream<int>("ticks:endless"))
                {
                    if (++read == 3)
                    {
                        this.Say("main", $"read tick {tick} from {ticker.WebContents.Name}, which now closes");
                        await ticker.DisposeAsync();
                    }
                }

                Check(false, "the stream must not end normally");
            }
            catch (IpcDisconnectedException ex)
            {
                this.Say("main", $"{ex.GetType().Name} ended the stream ({ex.Reason}) after {read} items");
                Check(read >= 3, "items came before the producer went");
            }
        });

        await this.RunTypedAndContractStepsAsync(main, window, page, window.MainWorld.Get<IClockService>("clock"));

        await this.StepAsync("Tracing, metrics and the IPC frame trace", async () =>
        {
            Volatile.Write(ref tracing, true);
            int sum = await page.AddAsync(2, 3);
            Volatile.Write(ref tracing, false);
            this.Say("window", $"math:add(2, 3) = {sum}");
            foreach (IpcFrameTrace frame in this.frames)
            {
                this.Say("trace", frame.ToString());
            }

            // Both spans have stopped by the time the answer is here: the handler's stops before its answer is sent.
            Activity? client = this.spans.LastOrDefault(s => s.OperationName == "ipc.invoke" && Equals(s.GetTagItem("ipc.channel"), "math:add"));
            Activity? server = this.spans.LastOrDefault(s => s.OperationName == "ipc.handle" && Equals(s.GetTagItem("ipc.channel"), "math:add"));
            Check(client is not null && server is not null, "both spans were recorded");
            this.Say("spans", $"{client!.DisplayName} {client.SpanId} -> {server!.DisplayName} {server.SpanId} (parent {server.ParentSpanId}), trace {client.TraceId}");
            Check(server.ParentSpanId == client.SpanId, "the handler's span is the caller's child");
            this.Say("metrics", string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}")));
            Check(counts.GetValueOrDefault(IpcBridgeDiagnostics.MessagesInstrument) > 0, "frames were counted");
            Check(this.frames.Any(f => f.Kind == "Result" && f.Latency is not null), "the frame trace shows answer latency");
        });

        await window.DisposeAsync();
    }

    // The showcase grants in code, the alternative to a capability file (the article's scenarios take theirs from
    // appsettings.json): it shows what only code can say, typed descriptors and AllowContract<T>(), which grant exactly a
    // channel or exactly a contract's methods.
    private static ChannelAllowlist WindowAllowlist() => ChannelAllowlist.DenyAll
        .AllowHandle("dialog:*")
        .AllowInvoke("files:*", "math:*", "logs:*")
        .AllowInvoke(ShowcaseChannels.Rename)
        .AllowReceive(ShowcaseChannels.Progress)
        .AllowContract<IClockService>()
        .AllowSendSync("sync:unanswered");

    private static void Preload(IpcRenderer ipc, ContextBridge bridge)
    {
        var api = new ShowcaseApi(ipc);
        ipc.Handle("dialog:confirm", (e, a) => a.Get<string>(0).StartsWith("Delete", StringComparison.Ordinal));
        ipc.HandleOnce("dialog:welcome", (e, a) => "Welcome!");
        ipc.Handle("dialog:notify", (e, a) => a.Get<string>(0).Length > 0);
        ipc.Handle("dialog:hang", async (e, a) =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                api.Cancelled(e.Channel);
                throw;
            }

            return true;
        });
        bridge.ExposeInMainWorld<IShowcaseApi>("showcase", api);

        // A contract client goes to page code as it is: the page calls main's clock like a local interface.
        bridge.ExposeInMainWorld("clock", ipc.GetContract<IClockService>());
    }

    private readonly TaskCompletionSource<bool> searchCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> tailStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void RegisterMainHandlers(MainProcess main)
    {
        main.IpcMain.Handle("math:add", (e, a) => a.Get<int>(0) + a.Get<int>(1));
        main.IpcMain.Handle("files:search", async (e, a) =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                this.searchCancelled.TrySetResult(true);
                throw;
            }

            return Array.Empty<string>();
        });
        main.IpcMain.Handle<string>("files:open", (e, a) => throw new FileNotFoundException($"No such file: {a.Get<string>(0)}"));
        main.IpcMain.HandleStream("logs:tail", (e, a) => this.TailAsync(e.CancellationToken));

        // A sync listener that forgets to set ReturnValue: in Electron the renderer would hang.
        main.IpcMain.On("sync:unanswered", (e, a) => { });
    }

    private async IAsyncEnumerable<string> TailAsync([EnumeratorCancellation] CancellationToken token = default)
    {
        try
        {
            for (int i = 1; ; i++)
            {
                await Task.Yield();
                yield return $"log line {i}";
            }
        }
        finally
        {
            this.tailStopped.TrySetResult(token.IsCancellationRequested);
        }
    }

    /// <summary>Invokes a window's handler and returns its answer or the error's message, for steps that expect an error.</summary>
    private static async Task<string> InvokeOutcomeAsync(WebContents webContents, string channel, params object?[] args)
    {
        try
        {
            return $"answered {await webContents.InvokeAsync<System.Text.Json.JsonElement>(channel, args)}";
        }
        catch (IpcInvocationException ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async IAsyncEnumerable<int> EndlessAsync([EnumeratorCancellation] CancellationToken token = default)
    {
        for (int i = 1; ; i++)
        {
            await Task.Delay(10, token);
            yield return i;
        }
    }

    private async Task StepAsync(string title, Func<Task> step)
    {
        this.output.WriteLine();
        this.output.WriteLine($"== {title}");
        try
        {
            await step().WaitAsync(StepTimeout);
        }
        catch (Exception ex)
        {
            this.failures++;
            this.output.WriteLine($"   FAILED: {ex.Message}");
        }
    }

    private void Say(string who, string text) => this.output.WriteLine($"   {who,-8} {text}");

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"expected: {what}");
        }
    }
}
