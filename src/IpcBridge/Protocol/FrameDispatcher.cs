using System;
using System.Threading;
using System.Collections.Concurrent;
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

    // Set while the thread holds a lock that a receiver's dispatch may need (a port router writing the frame that carries
    // a port): it must not wait for room in a receiver's queue there, or the two could wait on each other.
    [ThreadStatic]
    private static int noWait;

    private readonly ConcurrentQueue<WorkItem> queue = new();

    /// <summary>Lock the sync object for all access to <see cref="scheduled"/> and <see cref="completed"/>, and to enqueue.</summary>
    private readonly object sync = new();
    private readonly TaskCompletionSource<bool> finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The context the dispatcher was made in, which every item runs in (as a loop started with Task.Run did).
    private readonly ExecutionContext? context;
    private readonly ILogger logger;
    private readonly QueueLimit? limit;
    private readonly SemaphoreSlim? slots;
    private readonly object counts = new();

    // Set for a renderer's dispatcher until its preload has returned: frames queue meanwhile and run only once it opens
    // (true), or are dropped unrun when the preload failed (false). Null for a dispatcher that runs from the start.
    private readonly TaskCompletionSource<bool>? gate;
    private int queued;
    private int queuedOneWay;
    private int dropOldest;

    // True while a drain is queued to the thread pool or running (or, for a held dispatcher, until its gate opens).
    private bool scheduled;
    private bool completed;
#if !NETSTANDARD2_0
    private Drain? drain;
#endif

    // Whether frames run (false once a held dispatcher was abandoned); read by the drain only.
    private bool dispatchFrames = true;

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

        this.context = ExecutionContext.Capture();
        if (this.gate is not null)
        {
            // Nothing runs before the gate opens: the drain counts as scheduled until then.
            this.scheduled = true;
            _ = this.gate.Task.ContinueWith(static (t, state) => ((FrameDispatcher)state!).OpenGate(t.Result), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Lets frames queued by this thread until the scope is disposed past a full <see cref="QueueFullMode.Wait"/> bound
    /// instead of waiting for room: for writes made under a lock that the receiver's dispatch may need.
    /// </summary>
    public static NoWaitScope EnterNoWait()
    {
        noWait++;
        return default;
    }

    /// <summary>Gets the dispatcher running user code on this thread right now, if any.</summary>
    public static FrameDispatcher? Current => current;

    public bool IsMain { get; }

    public Task Completion => this.finished.Task;

    /// <summary>Queues an inbound frame, applying the endpoint's inbound <see cref="QueueLimit"/>.</summary>
    /// <returns><see langword="false"/> when the dispatcher has shut down.</returns>
    public bool Enqueue(IpcConnection connection, Frame frame)
    {
        QueueLimit? bound = this.limit;
        bool holdsSlot = false;
        if (bound is not null && IsBounded(frame))
        {
            if (this.slots is not null)
            {
                // Wait: the producer (the sender's thread in one process, the link's reader across processes) waits for
                // room, which is what pushes back on the sender. The loop itself never waits on its own queue, nor does a
                // writer under a lock the loop may need (EnterNoWait): their frames go past the bound without a place.
                holdsSlot = this.slots.Wait(0);
                if (!holdsSlot && current != this && noWait == 0)
                {
                    this.slots.Wait();
                    holdsSlot = true;
                }
            }
            else if (!this.Admit(frame, bound))
            {
                this.Refuse(connection, frame, bound);
                return true;
            }
        }

        return this.Add(new WorkItem(connection, frame, null, holdsSlot), preferLocal: IsCall(frame));
    }

    public bool Enqueue(Action action) => this.Add(new WorkItem(null, null, action), preferLocal: false);

    /// <summary>Stops accepting work; what is already queued still runs.</summary>
    public void Complete()
    {
        lock (this.sync)
        {
            if (this.completed)
            {
                return;
            }

            this.completed = true;
            if (this.scheduled)
            {
                // The running or queued drain finishes the dispatcher once the queue is empty.
                return;
            }
        }

        this.finished.TrySetResult(true);
    }

    /// <summary>Lets a held dispatcher run what it queued, in order, and everything after. Idempotent.</summary>
    public void Open() => this.gate?.TrySetResult(true);

    /// <summary>Lets a held dispatcher finish without running a frame it holds or receives (its endpoint never became ready); queued actions still run.</summary>
    public void Abandon() => this.gate?.TrySetResult(false);

    /// <summary>
    /// Queues an item and, when no drain is queued or running, queues one to the thread pool. For a call, whose sender
    /// is about to wait for the answer, the drain goes to the queuing thread's own work queue when it is a pool thread:
    /// the sender picks it up itself when it goes idle, instead of the pool's global queue that a
    /// <see cref="System.Threading.Channels.Channel{T}"/> reader's continuation goes to, where a second worker woken for
    /// it takes it as often as not (one of the two modes of an in-process invoke, docs/benchmarks.md). For one-way frames
    /// the sender goes on sending, so the drain goes to the global queue, for another worker to run beside it. User code
    /// never runs on the sender's thread while the sender is in a call.
    /// </summary>
    private bool Add(WorkItem item, bool preferLocal)
    {
        lock (this.sync)
        {
            if (this.completed)
            {
                return false;
            }

            this.queue.Enqueue(item);
            if (this.scheduled)
            {
                return true;
            }

            this.scheduled = true;
        }

        this.Schedule(preferLocal);
        return true;
    }

    private void Schedule(bool preferLocal)
    {
#if NETSTANDARD2_0
        ThreadPool.UnsafeQueueUserWorkItem(static state => ((FrameDispatcher)state!).Execute(), this);
#else
        ThreadPool.UnsafeQueueUserWorkItem(this.drain ??= new Drain(this), preferLocal);
#endif
    }

    /// <summary>The gate of a held dispatcher opened (or the endpoint was abandoned): run what waited.</summary>
    private void OpenGate(bool runFrames)
    {
        this.dispatchFrames = runFrames;
        this.Schedule(preferLocal: false);
    }

    /// <summary>Runs one drain in the dispatcher's execution context.</summary>
    private void Execute()
    {
        if (this.context is null)
        {
            this.RunQueued();
        }
        else
        {
            ExecutionContext.Run(this.context, static state => ((FrameDispatcher)state!).RunQueued(), this);
        }
    }

    /// <summary>Runs queued items in order until the queue is empty, then lets the next item schedule a new drain.</summary>
    private void RunQueued()
    {
        current = this;
        try
        {
            while (true)
            {
                while (this.queue.TryDequeue(out WorkItem item))
                {
                    this.Run(item);
                }

                lock (this.sync)
                {
                    // Checked under the lock that Add enqueues under: an item added after this sees no drain and schedules one.
                    if (this.queue.IsEmpty)
                    {
                        this.scheduled = false;
                        if (this.completed)
                        {
                            break;
                        }

                        return;
                    }
                }
            }
        }
        finally
        {
            current = null;
        }

        // Completed, and the last item has run: whoever waits for the dispatcher to finish may go on.
        this.finished.TrySetResult(true);
    }

    private void Run(WorkItem item)
    {
        try
        {
            if (item.Action is not null)
            {
                item.Action();
            }
            else if (!this.Release(item) && this.dispatchFrames)
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
            if (item.HoldsSlot)
            {
                this.slots.Release();
            }

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

    /// <summary>Ends <see cref="EnterNoWait"/>.</summary>
    public readonly struct NoWaitScope : IDisposable
    {
        public void Dispose() => noWait--;
    }

#if !NETSTANDARD2_0
    /// <summary>The drain as a thread-pool work item, made once.</summary>
    private sealed class Drain : IThreadPoolWorkItem
    {
        private readonly FrameDispatcher parent;

        public Drain(FrameDispatcher parent) => this.parent = parent;

        public void Execute() => this.parent.Execute();
    }
#endif

    private readonly struct WorkItem
    {
        public WorkItem(IpcConnection? connection, Frame? frame, Action? action, bool holdsSlot = false)
        {
            this.Connection = connection;
            this.Frame = frame;
            this.Action = action;
            this.HoldsSlot = holdsSlot;
        }

        /// <summary>Gets a value indicating whether the frame took a place in a <see cref="QueueFullMode.Wait"/> bound, to give back when it is dispatched.</summary>
        public bool HoldsSlot { get; }

        public IpcConnection? Connection { get; }

        public Frame? Frame { get; }

        public Action? Action { get; }
    }
}
