using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Protocol;

/// <summary>
/// How many more items a stream's producer may send. The caller grants a window with its InvokeStream frame and credit
/// back (StreamCredit frames) as it reads; the producer spends one per item. Both ends keep one: the producer's waits for
/// credit before it sends, the caller's checks that the producer never sends more than it was granted. Thread-safe.
/// </summary>
#pragma warning disable CA1001 // The semaphore never allocates a wait handle (AvailableWaitHandle is not used), so there is nothing to dispose.
internal sealed class StreamCredit
#pragma warning restore CA1001
{
    private readonly SemaphoreSlim available;

    public StreamCredit(int window) => this.available = new SemaphoreSlim(window, window);

    /// <summary>The producer's side: waits until one more item may be sent, and spends it.</summary>
    public Task SpendAsync(CancellationToken cancellationToken) => this.available.WaitAsync(cancellationToken);

    /// <summary>The caller's side: spends one for an item that arrived.</summary>
    /// <returns><see langword="false"/> when the producer had no credit left for it.</returns>
    public bool TrySpend() => this.available.Wait(0);

    /// <summary>Lets the producer send <paramref name="count"/> more items.</summary>
    /// <returns><see langword="false"/> when that would be more than the window (more credit than items sent).</returns>
    public bool TryGrant(int count)
    {
        try
        {
            this.available.Release(count);
            return true;
        }
        catch (SemaphoreFullException)
        {
            return false;
        }
    }
}
