using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>What this process holds: managed heap, file descriptors (handles on Windows), threads.</summary>
public readonly record struct Resources(long Heap, int Handles, int Threads)
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
        return new Resources(heap, handles, self.Threads.Count);
    }

    /// <summary>Measures until two samples agree on handles, or a few seconds passed: sockets and threads wind down asynchronously.</summary>
    public static async Task<Resources> SettleAsync(Resources target)
    {
        Resources now = Measure();
        for (int i = 0; i < 50 && (now.Handles > target.Handles || now.Threads > target.Threads); i++)
        {
            await Task.Delay(100);
            now = Measure();
        }

        return now;
    }

    public override string ToString() => $"heap {this.Heap / 1024.0 / 1024.0:F1} MiB, {this.Handles} fds, {this.Threads} threads";
}
