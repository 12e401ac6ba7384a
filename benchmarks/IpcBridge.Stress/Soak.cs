using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>
/// Many numbered messages from launched children to main, as sends, invokes and port posts: none may be lost or
/// reordered, and main's managed heap and handle count must stay flat (the last sample within 20% of the first after
/// warm-up).
/// </summary>
public static class Soak
{
    private const int Children = 2;
    private const int Batch = 2_000;

    public enum Channel
    {
        Send,
        Invoke,
        Port,
    }

    /// <summary>How message <paramref name="n"/> travels: seven in ten as sends, two on the port, one as an invoke.</summary>
    public static Channel Route(int n) => (n % 10) switch
    {
        7 or 8 => Channel.Port,
        9 => Channel.Invoke,
        _ => Channel.Send,
    };

    public static async Task<StressResult> RunAsync(long messages)
    {
        var result = new StressResult("soak");
        int perChild = (int)(messages / Children);
        var samples = new List<(long Messages, Resources At)>();
        var received = new Counter[Children];
        await using var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = TimeSpan.FromSeconds(60) });
        var done = new Dictionary<int, TaskCompletionSource<(int Wrong, string? Error)>>();
        var byId = new Dictionary<int, Counter>();

        main.IpcMain.On("soak-send", (e, a) => byId[e.Sender.Id].OnChannel(a.Get<int>(0)));
        main.IpcMain.Handle("soak-invoke", (e, a) =>
        {
            int n = a.Get<int>(0);
            byId[e.Sender.Id].OnChannel(n);
            return n * 2;
        });
        main.IpcMain.Handle("soak-barrier", (e, a) => a.Get<int>(0));
        main.IpcMain.On("soak-done", (e, a) => done[e.Sender.Id].TrySetResult((a.Get<int>(0), a.Get<string?>(1))));

        var children = new List<WebContents>();
        for (int c = 0; c < Children; c++)
        {
            WebContents child = await main.LaunchAsync(
                MainProcess.CreateStartInfoForThisApp("child"),
                new LaunchOptions { Allowlist = ChildRole.Allowlist });
            received[c] = new Counter();
            byId[child.Id] = received[c];
            done[child.Id] = new TaskCompletionSource<(int, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var channel = new MessageChannelMain();
            Counter counter = received[c];
            channel.Port1.Message += (_, m) => counter.OnPort(m.GetData<int>());
            channel.Port1.Start();
            child.PostMessage("soak-port", null, new[] { channel.Port2 });
            children.Add(child);
        }

        var clock = Stopwatch.StartNew();
        foreach (WebContents child in children)
        {
            child.Send("soak", perChild, Batch);
        }

        // Samples every second or so; the first one after a tenth of the messages is the baseline.
        Task<(int Wrong, string? Error)>[] finished = done.Values.Select(d => d.Task).ToArray();
        Task all = Task.WhenAll(finished);
        long total = (long)perChild * Children;
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(1000));
            long so = received.Sum(r => r.Total);
            samples.Add((so, Resources.Measure()));
            if (samples.Count % 30 == 0)
            {
                Console.WriteLine($"  {so:N0} of {total:N0} messages; {samples[^1].At}");
            }

            if (clock.Elapsed > TimeSpan.FromHours(2))
            {
                result.Fail("the soak did not finish within two hours");
                break;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        samples.Add((received.Sum(r => r.Total), Resources.Measure()));
        foreach ((int wrong, string? error) in finished.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result))
        {
            result.Check(wrong == 0, $"{wrong} invoke results were wrong");
            result.Check(error is null, $"a child's soak failed: {error}");
        }

        long got = received.Sum(r => r.Total);
        long disorder = received.Sum(r => r.OutOfOrder);
        result.Figures["messages (children x each)"] = $"{got:N0} of {total:N0} ({Children} x {perChild:N0})";
        result.Figures["messages per second"] = (got / seconds).ToString("N0", CultureInfo.InvariantCulture);
        result.Figures["lost or out of order"] = disorder.ToString(CultureInfo.InvariantCulture);
        result.Check(got == total, $"{total - got} messages lost");
        result.Check(disorder == 0, $"{disorder} messages out of order");

        (long _, Resources first) = samples.FirstOrDefault(s => s.Messages >= total / 10, samples[0]);
        Resources last = samples[^1].At;
        result.Figures["samples"] = samples.Count.ToString(CultureInfo.InvariantCulture);
        result.Figures["first sample after warm-up"] = first.ToString();
        result.Figures["last sample"] = last.ToString();
        result.Check(last.Heap <= first.Heap * 1.2, $"managed heap grew more than 20%: {first.Heap:N0} -> {last.Heap:N0}");
        result.Check(last.Handles <= first.Handles * 1.2, $"handle count grew more than 20%: {first.Handles} -> {last.Handles}");
        return result;
    }

    /// <summary>What main received from one child, checked for order as it arrives (on main's dispatch thread).</summary>
    private sealed class Counter
    {
        private int nextChannel;
        private int nextPort = Next(-1, Channel.Port);
        private long total;

        public long Total => Interlocked.Read(ref this.total);

        public long OutOfOrder { get; private set; }

        public void OnChannel(int n) => this.Check(ref this.nextChannel, n, Soak.Channel.Send);

        public void OnPort(int n) => this.Check(ref this.nextPort, n, Soak.Channel.Port);

        /// <summary>The number after <paramref name="n"/> on the same path (sends and invokes share one, in order).</summary>
        private static int Next(int n, Channel path)
        {
            do
            {
                n++;
            }
            while ((Route(n) == Soak.Channel.Port) != (path == Soak.Channel.Port));

            return n;
        }

        private void Check(ref int expected, int n, Channel path)
        {
            if (n != expected)
            {
                this.OutOfOrder++;
            }

            expected = Next(n, path);
            Interlocked.Increment(ref this.total);
        }
    }
}
