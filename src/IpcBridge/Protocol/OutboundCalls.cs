using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace IpcBridge.Protocol;

/// <summary>
/// The calls one side made on a link and still awaits answers to: numbers them and pairs each answer with its caller.
/// Thread-safe: calls start on any thread, answers arrive on the link's reader, timeouts and cancellations on the pool.
/// </summary>
internal sealed class OutboundCalls
{
    private readonly ConcurrentDictionary<long, PendingCall> pending = new();
    private readonly int limit;
    private long lastId;

    /// <summary>How many calls are pending: a counter, not <c>pending.Count</c>, which takes every lock of the dictionary.</summary>
    private int count;

    public OutboundCalls(int limit) => this.limit = limit;

    /// <summary>Numbers and registers a call.</summary>
    /// <exception cref="IpcException">As many calls as <see cref="IpcBridgeOptions.MaxPendingCalls"/> are pending already.</exception>
    public long Add(PendingCall call)
    {
        if (Volatile.Read(ref this.count) >= this.limit)
        {
            throw new IpcException($"Too many pending calls on this link ({this.limit}); see IpcBridgeOptions.MaxPendingCalls.");
        }

        long id = Interlocked.Increment(ref this.lastId);
        this.pending[id] = call;
        Interlocked.Increment(ref this.count);
        return id;
    }

    /// <summary>Takes a call out: its answer came, or it ended at this side. Only one taker gets it.</summary>
    public bool TryTake(long id, [NotNullWhen(true)] out PendingCall? call)
    {
        if (this.pending.TryRemove(id, out call))
        {
            Interlocked.Decrement(ref this.count);
            return true;
        }

        return false;
    }

    public bool TryGet(long id, [NotNullWhen(true)] out PendingCall? call) => this.pending.TryGetValue(id, out call);

    public bool Contains(long id) => this.pending.ContainsKey(id);

    /// <summary>Gets a value indicating whether a call with <paramref name="id"/> was ever made here; an answer to any other breaks the protocol.</summary>
    public bool WasMade(long id) => id > 0 && id <= Volatile.Read(ref this.lastId);

    /// <summary>The link ended: every pending call fails with <paramref name="reason"/>.</summary>
    public void FailAll(IpcDisconnectedException reason)
    {
        foreach (long id in this.pending.Keys)
        {
            if (this.TryTake(id, out PendingCall? call))
            {
                call.Release();
                call.Fail(new IpcDisconnectedException($"The call on channel '{call.Channel}' could not complete: {reason.Message}", reason.Reason, reason));
            }
        }
    }
}
