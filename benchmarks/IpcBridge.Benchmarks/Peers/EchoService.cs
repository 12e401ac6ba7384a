using System.Threading;

namespace IpcBridge.Benchmarks.Peers;

/// <summary>The StreamJsonRpc server's target: the same three operations IpcBridge's main offers the benchmarks.</summary>
public sealed class EchoService
{
    private int sunk;

    /// <summary>The invoke target: returns its argument.</summary>
#pragma warning disable CA1822 // StreamJsonRpc serves the instance methods of its target object.
    public string Echo(string value) => value;
#pragma warning restore CA1822

    /// <summary>The notification target: counts.</summary>
    public void Sink(string value)
    {
        if (value is not null)
        {
            Interlocked.Increment(ref this.sunk);
        }
    }

    /// <summary>Returns how many notifications arrived since the last call, and starts counting again.</summary>
    public int Drain() => Interlocked.Exchange(ref this.sunk, 0);
}
