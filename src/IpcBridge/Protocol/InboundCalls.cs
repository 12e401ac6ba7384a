using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using IpcBridge.Diagnostics;

namespace IpcBridge.Protocol;

/// <summary>
/// The calls one side is handling for a link: each one's cancellation (by the caller's Cancel frame, its timeout there,
/// or the link ending) and, for a stream, the credit its caller granted. Thread-safe.
/// </summary>
internal sealed class InboundCalls
{
    private readonly ConcurrentDictionary<long, Call> calls = new();

    /// <summary>Tracks a call; <paramref name="credit"/> is a stream's, or <see langword="null"/> for a one-result call.</summary>
    public Call Begin(long id, string channel, StreamCredit? credit)
    {
        var call = new Call(channel, credit);
        this.calls[id] = call;
        return call;
    }

    public bool TryGet(long id, [NotNullWhen(true)] out Call? call) => this.calls.TryGetValue(id, out call);

    /// <summary>The caller no longer wants the answer: cancels the handler's token.</summary>
    public void Cancel(long id)
    {
        if (this.calls.TryGetValue(id, out Call? call))
        {
            call.Cancel();
        }
    }

    /// <summary>Gets a value indicating whether the call's token was cancelled (by the caller, its timeout, or the link ending).</summary>
    public bool IsCancelled(long id) => this.calls.TryGetValue(id, out Call? call) && call.Cancellation.IsCancellationRequested;

    /// <summary>The handler finished: forget the call.</summary>
    public void End(long id)
    {
        if (this.calls.TryRemove(id, out Call? call))
        {
            call.Dispose();
        }
    }

    /// <summary>The link ended: cancels every handler's token.</summary>
    public void CancelAll()
    {
        foreach (Call call in this.calls.Values)
        {
            call.Cancel();
        }
    }

    /// <summary>A call being handled at this side.</summary>
    internal sealed class Call : IDisposable
    {
        public Call(string channel, StreamCredit? credit)
        {
            this.Channel = channel;
            this.Credit = credit;
        }

        public string Channel { get; }

        public CancellationTokenSource Cancellation { get; } = new();

        public long StartedAt { get; } = Telemetry.Timestamp();

        /// <summary>Gets the items a stream's producer may still send, or <see langword="null"/> for a one-result call.</summary>
        public StreamCredit? Credit { get; }

        public void Cancel()
        {
            try
            {
                this.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The handler finished between the lookup and the cancel; nothing to cancel.
            }
        }

        public void Dispose() => this.Cancellation.Dispose();
    }
}
