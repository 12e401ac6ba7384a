using System;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>Counts task exceptions nobody observed: a fault the library swallowed by accident surfaces here once collected.</summary>
public sealed class UnobservedWatch
{
    private int count;
    private string? first;

    public static UnobservedWatch Start()
    {
        var watch = new UnobservedWatch();
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            Interlocked.Increment(ref watch.count);
            Interlocked.CompareExchange(ref watch.first, e.Exception.ToString(), null);
        };
        return watch;
    }

    /// <summary>Forces the collections that finalize abandoned faulted tasks, then fails the section if any was unobserved.</summary>
    public void CheckInto(StressResult result)
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        int seen = Interlocked.Exchange(ref this.count, 0);
        string? what = Interlocked.Exchange(ref this.first, null);
        result.Figures["unobserved task exceptions"] = seen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        result.Check(seen == 0, $"{seen} unobserved task exception(s); the first: {what}");
    }
}
