using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;

namespace IpcBridge.Protocol;

/// <summary>A call waiting for its answer: completes the caller's task once, and ends the call's span once.</summary>
internal class PendingCall
{
    private Activity? activity;
    private int ended;

    public PendingCall(string channel) => this.Channel = channel;

    public string Channel { get; }

    public TaskCompletionSource<ReadOnlyMemory<byte>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenRegistration Registration { get; set; }

    public Timer? Timer { get; set; }

    public long StartedAt { get; private set; }

    public void Begin(Activity? span)
    {
        this.activity = span;
        this.StartedAt = Telemetry.Timestamp();
    }

    /// <summary>Drops the cancellation registration and the timer; the call is no longer pending.</summary>
    public void Release()
    {
        this.Registration.Dispose();
        this.Timer?.Dispose();
    }

    public virtual void Succeed(ReadOnlyMemory<byte> payload)
    {
        this.End("ok", null);
        this.Completion.TrySetResult(payload);
    }

    public virtual void Fail(Exception error)
    {
        this.End(OutcomeOf(error), error);
        this.Completion.TrySetException(error);
    }

    /// <summary>Ends the span of a call nobody awaits any more; nothing completes, so no exception goes unobserved.</summary>
    public void Abandoned(Exception? reason) => this.End(reason is null ? "cancelled" : OutcomeOf(reason), reason);

    public virtual void Cancel(CancellationToken token)
    {
        this.End("cancelled", null);
        this.Completion.TrySetCanceled(token);
    }

    /// <summary>Ends the call's span for a call that was never sent; the caller gets the exception directly.</summary>
    public void Discard(Exception error) => this.End("error", error);

    private static string OutcomeOf(Exception error) => error switch
    {
        IpcTimeoutException => "timeout",
        IpcDisconnectedException => "disconnected",
        OperationCanceledException => "cancelled",
        _ => "error",
    };

    private void End(string outcome, Exception? error)
    {
        if (Interlocked.Exchange(ref this.ended, 1) == 0)
        {
            Telemetry.EndCall(this.activity, this.Channel, this.StartedAt, outcome, error);
        }
    }
}

/// <summary>A stream call: its items queue here until the caller reads them; the answer ends the queue.</summary>
internal sealed class StreamCall : PendingCall
{
    private readonly Channel<ReadOnlyMemory<byte>> items =
        System.Threading.Channels.Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly StreamCredit credit;

    public StreamCall(string channel, int window)
        : base(channel)
    {
        this.Window = window;
        this.credit = new StreamCredit(window);
    }

    public long Id { get; set; }

    public int Window { get; }

    public ChannelReader<ReadOnlyMemory<byte>> Items => this.items.Reader;

    /// <summary>Queues an item; <see langword="false"/> when the producer sent more than it had credit for.</summary>
    public bool TryAdd(ReadOnlyMemory<byte> item) => this.credit.TrySpend() && this.items.Writer.TryWrite(item);

    /// <summary>Records credit granted back to the producer (never more than it spent, so never beyond the window).</summary>
    public void Granted(int count) => _ = this.credit.TryGrant(count);

    public override void Succeed(ReadOnlyMemory<byte> payload)
    {
        base.Succeed(payload);
        this.items.Writer.TryComplete();
    }

    public override void Fail(Exception error)
    {
        base.Fail(error);
        this.items.Writer.TryComplete(error);
    }

    public override void Cancel(CancellationToken token)
    {
        base.Cancel(token);
        this.items.Writer.TryComplete(new OperationCanceledException(token));
    }
}
