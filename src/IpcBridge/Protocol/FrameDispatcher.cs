using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Protocol;

/// <summary>
/// The single logical thread on which an endpoint runs user code for inbound frames, in arrival order.
/// Main has one for all its links, as Electron's main has one thread; each renderer has its own. Keeping user
/// code off the transports' threads means a blocked listener can never stop replies from arriving.
/// </summary>
#pragma warning disable CA1001 // The semaphore never allocates a wait handle (AvailableWaitHandle is not used), so there is nothing to dispose.
internal sealed class FrameDispatcher
#pragma warning restore CA1001
{
    [ThreadStatic]
    private static FrameDispatcher? current;

    private readonly Channel<WorkItem> queue;
    private readonly ILogger logger;
    private readonly Task loop;
    private readonly QueueLimit? limit;
    private readonly SemaphoreSlim? slots;
    private readonly object counts = new();

    // Set for a renderer's dispatcher until its preload has returned: frames queue meanwhile and run only once it opens
    // (true), or are dropped unrun when the preload failed (false). Null for a dispatcher that runs from the start.
    private readonly TaskCompletionSource<bool>? gate;
    private int queued;
    private int queuedOneWay;
    private int dropOldest;

    /// <summary>Creates a dispatcher and starts its loop.</summary>
    /// <param name="isMain">Whether this is main's dispatcher.</param>
    /// <param name="logger">Where the loop's own failures go.</param>
    /// <param name="limit">The endpoint's inbound queue limit, if any.</param>
    /// <param name="held">Whether the loop waits for <see cref="Open"/> (or <see cref="Abandon"/>) before it runs anything: a renderer's, until its preload has returned.</param>
    public FrameDispatcher(bool isMain, ILogger logger, QueueLimit? limit = null, bool held = false)
    {
        this.IsMain = isMain;
        if (held)
        {
            this.gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        this.logger = logger;
        this.limit = limit;
        if (limit?.FullMode == QueueFullMode.Wait)
        {
            this.slots = new SemaphoreSlim(limit.Capacity, limit.Capacity);
        }

        this.queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
        this.loop = Task.Run(this.RunAsync);
    }

    /// <summary>Gets the dispatcher running user code on this thread right now, if any.</summary>
    public static FrameDispatcher? Current => current;

    public bool IsMain { get; }

    public Task Completion => this.loop;

    /// <summary>Queues an inbound frame, applying the endpoint's inbound <see cref="QueueLimit"/>.</summary>
    /// <returns><see langword="false"/> when the dispatcher has shut down.</returns>
    public bool Enqueue(IpcConnection connection, Frame frame)
    {
        QueueLimit? bound = this.limit;
        if (bound is not null && IsBounded(frame))
        {
            if (this.slots is not null)
            {
                // Wait: the producer (the sender's thread in one process, the link's reader across processes) waits for
                // room, which is what pushes back on the sender. The loop itself never waits on its own queue.
                if (!this.slots.Wait(0) && current != this)
                {
                    this.slots.Wait();
                }
            }
            else if (!this.Admit(frame, bound))
            {
                this.Refuse(connection, frame, bound);
                return true;
            }
        }

        return this.queue.Writer.TryWrite(new WorkItem(connection, frame, null));
    }

    public bool Enqueue(Action action) => this.queue.Writer.TryWrite(new WorkItem(null, null, action));

    /// <summary>Stops accepting work; what is already queued still runs.</summary>
    public void Complete() => this.queue.Writer.TryComplete();

    /// <summary>Lets a held dispatcher run what it queued, in order, and everything after. Idempotent.</summary>
    public void Open() => this.gate?.TrySetResult(true);

    /// <summary>Lets a held dispatcher finish without running a frame it holds or receives (its endpoint never became ready); queued actions still run.</summary>
    public void Abandon() => this.gate?.TrySetResult(false);

    private async Task RunAsync()
    {
        bool dispatchFrames = this.gate is null || await this.gate.Task.ConfigureAwait(false);
        ChannelReader<WorkItem> reader = this.queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            current = this;
            try
            {
                while (reader.TryRead(out WorkItem item))
                {
                    try
                    {
                        if (item.Action is not null)
                        {
                            item.Action();
                        }
                        else if (!this.Release(item) && dispatchFrames)
                        {
                            item.Connection!.Dispatch(item.Frame!);
                        }
                    }
                    catch (Exception ex)
                    {
                        // Dispatch reports user-code failures itself; anything reaching here is our own bug,
                        // and it must not stop the loop that every later message depends on.
                        Diagnostics.Log.DispatchFailed(this.logger, ex);
                    }
                }
            }
            finally
            {
                current = null;
            }
        }
    }

    /// <summary>Calls, one-way messages and port messages count against the limit; control frames (cancel, port close, ack) never do.</summary>
    private static bool IsBounded(Frame frame) => frame.Kind is FrameKind.Send or FrameKind.SendSync or FrameKind.Invoke or FrameKind.InvokeStream or FrameKind.PortMessage;

    private static bool IsCall(Frame frame) => frame.Kind is FrameKind.SendSync or FrameKind.Invoke or FrameKind.InvokeStream;

    /// <summary>
    /// Takes a place in the bounded queue for a frame under a mode other than <see cref="QueueFullMode.Wait"/>. The
    /// sender may be another process and has already moved on, so nothing can be thrown at it: a one-way frame that
    /// does not fit is dropped (and logged), a call that does not fit is answered with a queue-full error. Under
    /// <see cref="QueueFullMode.DropOldest"/> the oldest queued one-way frame makes room instead; calls are never
    /// dropped, so when only calls are waiting the newcomer is refused as under the other modes.
    /// </summary>
    /// <returns><see langword="false"/> when the frame must be refused.</returns>
    private bool Admit(Frame frame, QueueLimit bound)
    {
        bool oneWay = !IsCall(frame);
        lock (this.counts)
        {
            // Frames already condemned still sit in the queue, but no longer take room.
            if (this.queued - this.dropOldest >= bound.Capacity)
            {
                // One-way frames still queued and not already condemned: the oldest of them is the one to give up.
                if (bound.FullMode != QueueFullMode.DropOldest || this.queuedOneWay - this.dropOldest <= 0)
                {
                    return false;
                }

                this.dropOldest++;
            }

            this.queued++;
            if (oneWay)
            {
                this.queuedOneWay++;
            }

            return true;
        }
    }

    private void Refuse(IpcConnection connection, Frame frame, QueueLimit bound)
    {
        if (IsCall(frame))
        {
            connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.LimitExceeded, Message = $"the endpoint's inbound queue is full ({bound.Capacity})" });
        }
        else
        {
            Diagnostics.Log.InboundFrameDropped(this.logger, frame.Kind, frame.Channel, bound.Capacity, bound.FullMode);
        }
    }

    /// <summary>Frees the frame's place in the bounded queue.</summary>
    /// <returns><see langword="true"/> when the frame is dropped (the oldest, under <see cref="QueueFullMode.DropOldest"/>) instead of dispatched.</returns>
    private bool Release(WorkItem item)
    {
        QueueLimit? bound = this.limit;
        if (bound is null || !IsBounded(item.Frame!))
        {
            return false;
        }

        if (this.slots is not null)
        {
            this.slots.Release();
            return false;
        }

        bool drop = false;
        lock (this.counts)
        {
            this.queued--;
            if (!IsCall(item.Frame!))
            {
                this.queuedOneWay--;

                // The queue is in arrival order, so the first one-way frame out after an overflow is the oldest one.
                if (this.dropOldest > 0)
                {
                    this.dropOldest--;
                    drop = true;
                }
            }
        }

        if (drop)
        {
            this.Refuse(item.Connection!, item.Frame!, bound);
        }

        return drop;
    }

    private readonly struct WorkItem
    {
        public WorkItem(IpcConnection? connection, Frame? frame, Action? action)
        {
            this.Connection = connection;
            this.Frame = frame;
            this.Action = action;
        }

        public IpcConnection? Connection { get; }

        public Frame? Frame { get; }

        public Action? Action { get; }
    }
}
