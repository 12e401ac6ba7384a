using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>What this process holds: managed heap, file descriptors (handles on Windows), threads.</summary>
/// <param name="Heap">Managed heap after a full collection, in bytes.</param>
/// <param name="Handles">Open file descriptors (handles on Windows), assemblies and symbol files the runtime maps included.</param>
/// <param name="Threads">Threads of this process outside the thread pool, whose size the pool picks by itself.</param>
/// <param name="PoolThreads">Thread-pool threads.</param>
/// <param name="Sockets">Descriptors that are not files: sockets, pipes, event descriptors (Linux; -1 elsewhere).</param>
public readonly record struct Resources(long Heap, int Handles, int Threads, int PoolThreads, int Sockets)
{
    public static Resources Measure()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        long heap = GC.GetTotalMemory(forceFullCollection: true);
        using Process self = Process.GetCurrentProcess();
        int handles = OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : self.HandleCount;
        int pool = ThreadPool.ThreadCount;
        return new Resources(heap, handles, self.Threads.Count - pool, pool, CountSockets());
    }

    /// <summary>Measures until two samples agree on handles, or a few seconds passed: sockets and threads wind down asynchronously.</summary>
    public static async Task<Resources> SettleAsync(Resources target)
    {
        Resources now = Measure();
        for (int i = 0; i < 50 && (now.Handles > target.Handles || now.Sockets > target.Sockets || now.Threads > target.Threads); i++)
        {
            await Task.Delay(100);
            now = Measure();
        }

        return now;
    }

    /// <summary>Describes the open file descriptors by what they point at (Linux), to tell a leaked socket from a log file.</summary>
    public static string DescribeHandles()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "(only on Linux)";
        }

        var kinds = new System.Collections.Generic.SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            string target;
            try
            {
                target = new FileInfo(fd).LinkTarget ?? "?";
            }
            catch (IOException)
            {
                continue;
            }

            int colon = target.IndexOf(':', StringComparison.Ordinal);
            string kind = colon > 0 ? target[..colon] : target;
            kinds[kind] = kinds.TryGetValue(kind, out int n) ? n + 1 : 1;
        }

        return string.Join(", ", System.Linq.Enumerable.Select(kinds, k => $"{k.Key} {k.Value}"));
    }

    public override string ToString() => $"heap {this.Heap / 1024.0 / 1024.0:F1} MiB, {this.Handles} fds ({this.Sockets} not files), {this.Threads} threads + {this.PoolThreads} in the pool";

    /// <summary>Open sockets (Unix domain sockets included); -1 where /proc is not there to ask.</summary>
    private static int CountSockets()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        int sockets = 0;
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && !target.StartsWith('/'))
                {
                    sockets++;
                }
            }
            catch (IOException)
            {
                // Closed while listed.
            }
        }

        return sockets;
    }
}
