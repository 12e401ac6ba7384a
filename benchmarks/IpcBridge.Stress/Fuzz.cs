using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;

namespace IpcBridge.Stress;

/// <summary>
/// Hostile peers against a live main while a well-behaved renderer keeps calling: main must not crash, must cut every
/// link whose bytes are not frames, must answer every one of the good renderer's calls, and must stay bounded in memory.
/// </summary>
public static class Fuzz
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<StressResult> RunAsync(Settings settings)
    {
        var result = new StressResult("fuzz");
        var options = new IpcBridgeOptions { MaxFrameSize = FrameGen.MaxFrameSize, HandshakeTimeout = TimeSpan.FromSeconds(5) };
        await using var main = new MainProcess(options);
        main.IpcMain.Handle("echo", (e, a) => a.Get<int>(0));

        (Stream goodMain, Stream goodPeer) = await SocketPair.CreateAsync();
        Task<WebContents> attachingGood = main.AttachAsync(goodMain, new AttachOptions { Allowlist = ChannelAllowlist.DenyAll.AllowInvoke("echo").AllowHandle("ping"), LaunchToken = "good", Name = "good" });
        IpcRenderer? goodIpc = null;
        await using RendererProcess good = await RendererProcess.ConnectAsync(goodPeer, new RendererProcessOptions
        {
            LaunchToken = "good",
            Preload = (ipc, _) =>
            {
                goodIpc = ipc;
                ipc.Handle("ping", (e, a) => a.Get<int>(0) + 1);
            },
        });
        WebContents goodContents = await attachingGood;

        // The first links load what the runtime loads once (exception stack traces open assemblies and symbol files):
        // those descriptors stay open for good, and are not the links'.
        for (int i = 0; i < 20; i++)
        {
            await OneLinkAsync(main, new Mutator(-1 - i), settings, new Tally(), result);
        }

        Resources before = await Resources.SettleAsync(Resources.Measure());
        using var stop = new CancellationTokenSource();
        var calls = new GoodCalls();
        Task goodLoop = Task.WhenAll(calls.FromRendererAsync(goodIpc!, stop.Token), calls.FromMainAsync(goodContents, stop.Token));

        long frames = 0;
        var tally = new Tally();
        long nextLink = 0;
        long peakHeap = 0;
        async Task WorkerAsync()
        {
            while (true)
            {
                long link = Interlocked.Increment(ref nextLink);
                if (Interlocked.Read(ref frames) >= settings.Frames)
                {
                    return;
                }

                int sent = await OneLinkAsync(main, new Mutator(settings.Seed + (int)link), settings, tally, result);
                long total = Interlocked.Add(ref frames, sent);
                if (link % 500 == 0)
                {
                    Interlocked.Exchange(ref peakHeap, Math.Max(Interlocked.Read(ref peakHeap), GC.GetTotalMemory(false)));
                    Console.WriteLine($"  {total:N0} hostile frames over {link:N0} links; good calls answered {calls.Answered:N0}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, settings.Workers).Select(_ => Task.Run(WorkerAsync)));
        await stop.CancelAsync();
        await goodLoop;

        // Every hostile link is gone; only the good renderer is left.
        Resources after = await Resources.SettleAsync(before);
        int left = main.GetAllWebContents().Count;
        result.Figures["hostile frames"] = frames.ToString("N0", CultureInfo.InvariantCulture);
        result.Figures["hostile links"] = (nextLink - settings.Workers).ToString("N0", CultureInfo.InvariantCulture);
        result.Figures["links cut for bytes that were no frames"] = tally.CutForBadBytes.ToString("N0", CultureInfo.InvariantCulture);
        result.Figures["links cut for other violations"] = tally.CutOther.ToString("N0", CultureInfo.InvariantCulture);
        result.Figures["handshakes refused"] = tally.Refused.ToString("N0", CultureInfo.InvariantCulture);
        result.Figures["good calls answered (both ways)"] = $"{calls.Answered:N0} of {calls.Made:N0}";
        result.Figures["before"] = before.ToString();
        result.Figures["after"] = after.ToString();
        result.Figures["peak heap sampled (MiB)"] = (Math.Max(peakHeap, after.Heap) / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

        result.Check(calls.Failures == 0, $"{calls.Failures} of the good renderer's calls failed; the first: {calls.FirstFailure}");
        result.Check(calls.Answered == calls.Made && calls.Made > 0, $"the good renderer's calls: {calls.Answered} answered of {calls.Made}");
        result.Check(!goodContents.IsDestroyed, "the good renderer's link was cut");
        result.Check(left == 1, $"{left} endpoints left in main's table; only the good renderer should be");
        result.Check(after.Heap < before.Heap + (64L << 20), $"managed heap grew from {before.Heap:N0} to {after.Heap:N0} bytes");
        result.Check(after.Sockets <= before.Sockets, $"sockets, pipes and event descriptors grew from {before.Sockets} to {after.Sockets}: {Resources.DescribeHandles()}");
        result.Check(after.Threads <= before.Threads, $"threads outside the pool grew from {before.Threads} to {after.Threads}");
        // Sockets, pipes and event descriptors are checked strictly above. The rest are mostly assembly and symbol files the
        // runtime opens on first use (stack traces of the violations load more of them), so this bound only catches a leak.
        result.Check(after.Handles <= before.Handles + 64, $"file descriptors grew from {before.Handles} to {after.Handles}: {Resources.DescribeHandles()}");
        return result;
    }

    /// <summary>One hostile link: a broken handshake, or a good one followed by a batch of hostile frames.</summary>
    /// <returns>How many hostile frames (hello included) it sent.</returns>
    private static async Task<int> OneLinkAsync(MainProcess main, Mutator mutator, Settings settings, Tally tally, StressResult result)
    {
        (Stream mainEnd, Stream peerEnd) = await SocketPair.CreateAsync();
        var attachOptions = new AttachOptions { Allowlist = ChannelAllowlist.DenyAll.AllowSend("fuzz*").AllowInvoke("echo").AllowPorts("fuzz*"), LaunchToken = "t", Name = "hostile" };
        Task<WebContents> attaching = main.AttachAsync(mainEnd, attachOptions);
        using var timeout = new CancellationTokenSource(Patience);
        if (mutator.NextDouble() < settings.HelloShare)
        {
            await using (peerEnd)
            {
                await peerEnd.WriteAsync(mutator.HostileHello("t"));
            }

            try
            {
                // A hello good enough to be welcomed, from a peer gone before saying Ready, fails as a preload that never returned.
                WebContents accepted = await attaching.WaitAsync(Patience);
                await WaitGoneAsync(accepted, result, "a link whose peer closed after its hello");
            }
            catch (Exception ex) when (ex is IpcProtocolException or IpcTimeoutException or IpcPreloadException)
            {
                Interlocked.Increment(ref tally.Refused);
            }

            return 1;
        }

        HostilePeer peer = await HostilePeer.ConnectAsync(peerEnd, "t", timeout.Token);
        await using (peer)
        {
            WebContents hostile = await attaching.WaitAsync(Patience);
            // Half the links send only frames the decoder accepts, so main has to deal with what each one says.
            bool wellFormed = mutator.NextDouble() < 0.5;
            int count = mutator.Next(1, settings.FramesPerLink + 1);
            var batch = new List<byte[]>(count);
            for (int i = 0; i < count; i++)
            {
                batch.Add(mutator.Next(wellFormed).Bytes);
            }

            byte[] bytes = batch.SelectMany(b => b).ToArray();
            bool badBytes = !AreFrames(bytes, FrameGen.MaxFrameSize);
            try
            {
                await peer.WriteAsync(bytes);
            }
            catch (IOException)
            {
                // Main cut the link while the batch was still being written.
            }

            if (badBytes)
            {
                // Bytes that are no frames: main cuts the link by itself, with the peer still connected.
                await WaitGoneAsync(hostile, result, "a link that sent bytes that are no frames");
                Interlocked.Increment(ref tally.CutForBadBytes);
            }
            else if (hostile.IsDestroyed)
            {
                Interlocked.Increment(ref tally.CutOther);
            }

            // Whatever main made of the frames, a peer that leaves must leave no trace.
            await peer.DisposeAsync();
            await WaitGoneAsync(hostile, result, "a link whose peer closed");
            return count;
        }
    }

    /// <summary>Reads the bytes with the library's decoder: false when they hold something that is not a frame.</summary>
    private static bool AreFrames(byte[] bytes, int maxFrameSize)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        try
        {
            while (FrameCodec.TryRead(ref buffer, maxFrameSize, out _))
            {
            }

            return true;
        }
        catch (IpcProtocolException)
        {
            return false;
        }
    }

    private static async Task WaitGoneAsync(WebContents contents, StressResult result, string what)
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        contents.Destroyed += (_, _) => gone.TrySetResult();
        if (contents.IsDestroyed)
        {
            return;
        }

        try
        {
            await gone.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            result.Fail($"{what} was not cut within {Patience.TotalSeconds} s");
        }
    }

    /// <summary>How many hostile frames, how many per link, and how much of the links break the handshake instead.</summary>
    public sealed record Settings(long Frames, int FramesPerLink, double HelloShare, int Workers, int Seed)
    {
        public static Settings Quick { get; } = new(20_000, 200, 0.05, 2, 1);
    }

    private sealed class Tally
    {
        public long CutForBadBytes;
        public long CutOther;
        public long Refused;
    }

    /// <summary>The good renderer's traffic: it invokes main, main invokes it, one call at a time each way.</summary>
    private sealed class GoodCalls
    {
        private long made;
        private long answered;
        private long failures;
        private string? firstFailure;

        public long Made => Interlocked.Read(ref this.made);

        public long Answered => Interlocked.Read(ref this.answered);

        public long Failures => Interlocked.Read(ref this.failures);

        public string? FirstFailure => this.firstFailure;

        public Task FromRendererAsync(IpcRenderer ipc, CancellationToken stop)
            => this.LoopAsync(n => ipc.InvokeAsync<int>("echo", new object?[] { n }, Patience), n => n, stop);

        public Task FromMainAsync(WebContents contents, CancellationToken stop)
            => this.LoopAsync(n => contents.InvokeAsync<int>("ping", new object?[] { n }, Patience), n => n + 1, stop);

        private async Task LoopAsync(Func<int, Task<int>> call, Func<int, int> expected, CancellationToken stop)
        {
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                Interlocked.Increment(ref this.made);
                try
                {
                    int answer = await call(n);
                    if (answer == expected(n))
                    {
                        Interlocked.Increment(ref this.answered);
                    }
                    else
                    {
                        this.Failed($"call {n} answered {answer}");
                    }
                }
                catch (Exception ex)
                {
                    this.Failed($"call {n}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        private void Failed(string what)
        {
            Interlocked.Increment(ref this.failures);
            Interlocked.CompareExchange(ref this.firstFailure, what, null);
        }
    }
}
