using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Ports;
using IpcBridge.Protocol;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// One end of a <see cref="MessageChannelMain"/> (Electron's <c>MessagePortMain</c>). It follows the main-process
/// flavour: messages are queued until <see cref="Start"/> is called, and subscribing to <see cref="Message"/> does not
/// start it. A port is an id plus a route, never a shared object: transferring it moves it to another endpoint, and the
/// object given away becomes unusable.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Message"/> handlers run on the thread pool, one message at a time, in the order posted.
/// Transferring a port whose handler is running on another thread waits until that handler returns (unless the
/// transferring thread is itself inside a port's handler), so no message is handled at the old place after one at the new.
/// Queues are unbounded by default, as in Electron; a pair created with a <see cref="QueueLimit"/>
/// (<see cref="MessageChannelMain(QueueLimit)"/>) bounds how many messages may wait at each receiver, and the limit travels
/// with the ports when they are transferred.
/// </remarks>
public sealed class MessagePortMain : IIpcCapability
{
    private readonly object gate = new();
    private readonly Queue<Delivery> inbox = new();
    private PortRouter? router;
    private MessagePortMain? partner;
    private MessagePortMain? movedTo;
    private State state;
    private bool started;
    private bool draining;
    private bool closeRaised;
    private int unacked;
    private int handledSinceAck;
    private long dropped;
    private int blockedPosts;
    private int transfersPending;
    private Thread? deliveringOn;
    private TaskCompletionSource<bool>? creditWaiter;

    /// <summary>How many port <see cref="Message"/> handlers the current thread is inside (nested when a handler posts to a local port that delivers inline).</summary>
    [ThreadStatic]
    private static int handlerDepth;

    private MessagePortMain(long id, long partnerId, PortRouter? router, QueueLimit? limit)
    {
        this.Id = id;
        this.PartnerId = partnerId;
        this.router = router;
        this.Limit = limit;
    }

    /// <summary>Raised for each message, after <see cref="Start"/>.</summary>
    public event EventHandler<MessageEventArgs>? Message;

    /// <summary>Raised once when either end is closed, or the endpoint holding the other end is gone.</summary>
    public event EventHandler? Closed;

    private enum State
    {
        Open,
        Transferred,
        Closed,
    }

    /// <summary>Gets a value indicating whether the port is closed.</summary>
    public bool IsClosed
    {
        get
        {
            lock (this.gate)
            {
                return this.state == State.Closed;
            }
        }
    }

    /// <summary>Gets the bound on messages waiting at the receiver, or <see langword="null"/> when unbounded.</summary>
    public QueueLimit? Limit { get; }

    /// <summary>Gets how many messages this port dropped under its <see cref="Limit"/> (as sender for <see cref="QueueFullMode.DropNewest"/>, as receiver for <see cref="QueueFullMode.DropOldest"/>).</summary>
    public long DroppedCount => Interlocked.Read(ref this.dropped);

    internal long Id { get; }

    /// <summary>Gets how many <see cref="PostMessage"/> calls are blocked right now, waiting for room at the receiver.</summary>
    internal int BlockedPosts
    {
        get
        {
            lock (this.gate)
            {
                return this.blockedPosts;
            }
        }
    }

    /// <summary>Gets the lock under which the router reads this port's route and writes on it, so a route change is atomic for senders.</summary>
    internal object SendGate { get; } = new();

    internal long PartnerId { get; }

    internal PortRouter? Router => this.router;

    /// <summary>Gets or sets the link this port arrived on, if it was transferred in.</summary>
    internal Protocol.IpcConnection? ArrivedVia { get; set; }

    internal MessagePortMain? LocalPartner
    {
        get
        {
            lock (this.gate)
            {
                return this.partner;
            }
        }
    }

    private PayloadSerializer Serializer => this.router?.Serializer ?? PayloadSerializer.Default;

    /// <summary>Posts a message to the other end, transferring the ports in <paramref name="transfer"/> with it.</summary>
    /// <param name="message">The message (serialized before this returns; must not contain ports).</param>
    /// <param name="transfer">Ports to move to the other end's holder, or <see langword="null"/>.</param>
    /// <remarks>
    /// A no-op once the port is closed. On a port bounded with <see cref="QueueFullMode.Wait"/> whose receiver is full,
    /// this blocks until the receiver has handled enough messages. It never blocks an endpoint's dispatch thread (inside
    /// an <see cref="IpcMain"/> or <see cref="IpcRenderer"/> listener or handler) on a partner in another endpoint: the
    /// word that room is free again would be dispatched on that very thread, so it throws instead, as
    /// <see cref="IpcRenderer.SendSync(string, object?[])"/> does on main's dispatch thread. Use
    /// <see cref="PostMessageAsync"/> there.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// This port was transferred away, or a listed port is closed or transferred; or the port is bounded with
    /// <see cref="QueueFullMode.Wait"/>, the receiver is full, and this was called on an endpoint's dispatch thread, where
    /// waiting could only deadlock (nothing was sent).
    /// </exception>
    /// <exception cref="ArgumentException">The list contains this port, its partner, or a port twice.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcQueueFullException">The port is bounded with <see cref="QueueFullMode.Fail"/> and the receiver is full; nothing was sent.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.PortsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.PortsDynamicCode)]
    public void PostMessage(object? message, IEnumerable<MessagePortMain>? transfer = null)
    {
        lock (this.gate)
        {
            this.ThrowIfTransferred();
            if (this.state == State.Closed)
            {
                return;
            }
        }

        MessagePortMain[] ports = PortTransfer.Validate(transfer, this);
        ReadOnlyMemory<byte> payload = this.Serializer.SerializeObject(message);
        if (!this.TakeCredit(blocking: true))
        {
            return;
        }

        this.Deliver(payload, ports);
    }

    /// <summary>
    /// Posts a message like <see cref="PostMessage"/>, but when the port is bounded with <see cref="QueueFullMode.Wait"/>
    /// and the receiver is full, waits for room asynchronously instead of blocking the thread.
    /// </summary>
    /// <param name="message">The message (serialized before this returns; must not contain ports).</param>
    /// <param name="transfer">Ports to move to the other end's holder, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for room; the message is then not sent.</param>
    /// <returns>A task that completes when the message was handed on (or dropped under the port's limit).</returns>
    /// <exception cref="InvalidOperationException">This port was transferred away, or a listed port is closed or transferred.</exception>
    /// <exception cref="ArgumentException">The list contains this port, its partner, or a port twice.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcQueueFullException">The port is bounded with <see cref="QueueFullMode.Fail"/> and the receiver is full.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.PortsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.PortsDynamicCode)]
    public async Task PostMessageAsync(object? message, IEnumerable<MessagePortMain>? transfer = null, CancellationToken cancellationToken = default)
    {
        lock (this.gate)
        {
            this.ThrowIfTransferred();
            if (this.state == State.Closed)
            {
                return;
            }
        }

        MessagePortMain[] ports = PortTransfer.Validate(transfer, this);
        ReadOnlyMemory<byte> payload = this.Serializer.SerializeObject(message);
        while (!this.TakeCredit(blocking: false))
        {
            Task? wait;
            lock (this.gate)
            {
                if (this.state != State.Open)
                {
                    return;
                }

                if (this.Limit!.FullMode != QueueFullMode.Wait)
                {
                    return;
                }

                this.creditWaiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = this.creditWaiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        this.Deliver(payload, ports);
    }

    private void Deliver(ReadOnlyMemory<byte> payload, MessagePortMain[] ports)
    {
        using PortTransfer.HandOver handOver = PortTransfer.Begin(ports);
        MessagePortMain? localPartner;
        lock (this.gate)
        {
            localPartner = this.partner;
        }

        if (localPartner is not null)
        {
            localPartner.Enqueue(payload, PortRouter.MoveLocally(ports, localPartner.router));
        }
        else
        {
            this.router!.SendFromPort(this, payload, ports);
        }
    }

    /// <summary>Starts delivering queued and future messages to <see cref="Message"/>. Idempotent.</summary>
    /// <exception cref="InvalidOperationException">This port was transferred away.</exception>
    public void Start()
    {
        lock (this.gate)
        {
            this.ThrowIfTransferred();
            this.started = true;
            this.ScheduleDrainLocked();
        }
    }

    /// <summary>Closes this end; both ends raise <see cref="Closed"/> once. Messages not yet delivered here are dropped. Idempotent.</summary>
    /// <exception cref="InvalidOperationException">This port was transferred away.</exception>
    public void Close()
    {
        MessagePortMain? localPartner;
        lock (this.gate)
        {
            this.ThrowIfTransferred();
            if (this.state == State.Closed)
            {
                return;
            }

            this.state = State.Closed;
            this.inbox.Clear();
            localPartner = this.partner;
            this.partner = null;
            this.WakeSendersLocked();
        }

        if (localPartner is not null)
        {
            localPartner.OnRemoteClosed();
        }
        else
        {
            this.router?.ClosePort(this);
        }

        this.RaiseClosed();
    }

    /// <inheritdoc />
    public override string ToString() => $"MessagePortMain {this.Id:x16}";

    /// <summary>
    /// Closes the ports that came with a message no listener received. Nothing can ever reach them, so their partners
    /// learn now that nobody is at this end, where Electron's would once the ports were garbage-collected.
    /// </summary>
    internal static void CloseUnclaimed(IReadOnlyList<MessagePortMain> ports, string channel, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (ports.Count == 0)
        {
            return;
        }

        foreach (MessagePortMain port in ports)
        {
            port.Close();
        }

        Log.UnclaimedPortsClosed(logger, ports.Count, channel);
    }

    internal static (MessagePortMain, MessagePortMain) CreatePair(QueueLimit? limit)
    {
        long a = NewId();
        long b = NewId();
        var first = new MessagePortMain(a, b, null, limit);
        var second = new MessagePortMain(b, a, null, limit);
        first.partner = second;
        second.partner = first;
        return (first, second);
    }

    internal static MessagePortMain Create(long id, long partnerId, PortRouter? router, QueueLimit? limit) => new(id, partnerId, router, limit);

    /// <summary>The partner handled <paramref name="count"/> of the messages this port sent: that much room is free again.</summary>
    internal void OnAck(int count)
    {
        TaskCompletionSource<bool>? waiter;
        lock (this.gate)
        {
            this.unacked = Math.Max(0, this.unacked - count);
            waiter = this.creditWaiter;
            this.creditWaiter = null;
            Monitor.PulseAll(this.gate);
        }

        waiter?.TrySetResult(true);
    }

    internal void ThrowIfNotTransferable()
    {
        lock (this.gate)
        {
            this.ThrowIfTransferred();
            if (this.state == State.Closed)
            {
                throw new InvalidOperationException($"{this} is closed and cannot be transferred.");
            }
        }
    }

    /// <summary>
    /// Called just before this port is handed over (transferred to another endpoint or to a local receiver): stops
    /// delivering here, so what is still queued follows the port, and waits until a handler that is already running
    /// for one of its messages on another thread has returned. Without the wait, that message could be handled here after
    /// a later one was handled where the port went: two handlers running at once, in the wrong order.
    /// </summary>
    /// <remarks>
    /// The wait is skipped on a thread that is itself inside a port's handler: that handler could be what the running
    /// one waits for (two handlers each transferring the other's port), and a deadlock is worse than the overlap.
    /// Every call is paired with <see cref="EndTransfer"/>.
    /// </remarks>
    internal void BeginTransfer()
    {
        lock (this.gate)
        {
            this.transfersPending++;
            if (handlerDepth > 0)
            {
                return;
            }

            while (this.deliveringOn is not null)
            {
                Monitor.Wait(this.gate);
            }
        }
    }

    /// <summary>Ends <see cref="BeginTransfer"/>: a port that was not handed over after all (the send failed) delivers again.</summary>
    internal void EndTransfer()
    {
        lock (this.gate)
        {
            this.transfersPending--;
            if (this.transfersPending == 0 && this.state != State.Transferred)
            {
                this.ScheduleDrainLocked();
            }
        }
    }

    /// <summary>Attaches an unattached port to the endpoint that is about to route for it.</summary>
    internal bool TryAttach(PortRouter router)
    {
        lock (this.gate)
        {
            if (this.router is not null || this.state != State.Open)
            {
                return false;
            }

            this.router = router;
            return true;
        }
    }

    /// <summary>
    /// Gives the port away: it becomes unusable here, and what it had queued is returned so it can follow the port.
    /// A local partner stops short-cutting to it.
    /// </summary>
    internal Delivery[] Detach(MessagePortMain? movedTo)
    {
        MessagePortMain? localPartner;
        Delivery[] queued;
        lock (this.gate)
        {
            this.state = State.Transferred;
            this.movedTo = movedTo;
            this.WakeSendersLocked();
            queued = this.inbox.ToArray();
            this.inbox.Clear();
            localPartner = this.partner;
            this.partner = null;
        }

        if (localPartner is not null)
        {
            localPartner.SetPartner(movedTo);
        }

        return queued;
    }

    internal void SetPartner(MessagePortMain? localPartner)
    {
        lock (this.gate)
        {
            this.partner = localPartner;
        }
    }

    /// <summary>Queues a message for this port's <see cref="Message"/> handlers.</summary>
    internal void Enqueue(ReadOnlyMemory<byte> payload, IReadOnlyList<MessagePortMain> ports)
    {
        MessagePortMain? forward = null;
        lock (this.gate)
        {
            switch (this.state)
            {
                case State.Open:
                    if (this.Limit is { FullMode: QueueFullMode.DropOldest } limit && this.inbox.Count >= limit.Capacity)
                    {
                        this.inbox.Dequeue();
                        this.dropped++;
                    }

                    this.inbox.Enqueue(new Delivery(payload, ports));
                    this.ScheduleDrainLocked();
                    return;
                case State.Transferred:
                    forward = this.movedTo;
                    break;
                default:
                    return;
            }
        }

        if (forward is not null)
        {
            forward.Enqueue(payload, ports);
        }
        else
        {
            // Moved to another endpoint while this message was on its way here: send it after the port.
            this.router?.DeliverToPort(this.Id, payload, ports);
        }
    }

    /// <summary>The other end was closed or its endpoint is gone.</summary>
    internal void OnRemoteClosed()
    {
        bool raiseNow;
        lock (this.gate)
        {
            if (this.state != State.Open)
            {
                return;
            }

            this.state = State.Closed;
            this.partner = null;
            this.WakeSendersLocked();

            // Messages that arrived before the close are still delivered once started; then Closed follows.
            raiseNow = !this.started || (!this.draining && this.inbox.Count == 0);
            if (!raiseNow && !this.draining)
            {
                this.ScheduleDrainLocked();
            }
        }

        if (raiseNow)
        {
            this.RaiseClosed();
        }
    }

    /// <summary>Takes room for one message at the receiver, per the port's limit.</summary>
    /// <returns><see langword="false"/> when the message must not be sent (dropped, or no room and not blocking).</returns>
    private bool TakeCredit(bool blocking)
    {
        QueueLimit? limit = this.Limit;
        if (limit is null || limit.FullMode == QueueFullMode.DropOldest)
        {
            return true;
        }

        lock (this.gate)
        {
            while (this.unacked >= limit.Capacity)
            {
                if (this.state != State.Open)
                {
                    return false;
                }

                switch (limit.FullMode)
                {
                    case QueueFullMode.Fail:
                        throw new IpcQueueFullException($"{this}: the receiver already has {limit.Capacity} messages waiting.");
                    case QueueFullMode.DropNewest:
                        this.dropped++;
                        return false;
                    default:
                        if (!blocking)
                        {
                            return false;
                        }

                        this.WaitForRoomLocked(limit);
                        break;
                }
            }

            this.unacked++;
            return true;
        }
    }

    /// <summary>Blocks until an ack, a close or a transfer wakes the sender; refuses where waiting could only deadlock.</summary>
    private void WaitForRoomLocked(QueueLimit limit)
    {
        this.AssertLocked();
        if (this.partner is null && FrameDispatcher.Current is not null)
        {
            // The ack that frees room arrives as a frame for this endpoint's dispatcher, which is the
            // thread that would wait for it. A local partner acks from its own drain, so that may wait.
            throw new InvalidOperationException(
                $"PostMessage on {this} was called on an endpoint's dispatch thread (inside a listener or handler) while the receiver " +
                $"already has {limit.Capacity} messages waiting. Waiting for room there would deadlock, because the receiver's " +
                "acknowledgement is dispatched on that same thread. Use PostMessageAsync, or post from another thread.");
        }

        this.blockedPosts++;
        try
        {
            Monitor.Wait(this.gate);
        }
        finally
        {
            this.blockedPosts--;
        }
    }

    /// <summary>Checks, in debug builds, that the caller holds this port's lock, as every <c>*Locked</c> method requires.</summary>
    [Conditional("DEBUG")]
    private void AssertLocked() => Debug.Assert(Monitor.IsEntered(this.gate), "The caller must hold the port's lock.");

    private void WakeSendersLocked()
    {
        this.AssertLocked();
        Monitor.PulseAll(this.gate);
        this.creditWaiter?.TrySetResult(true);
        this.creditWaiter = null;
    }

    /// <summary>Gives the sender credit for handled messages, in batches so an ack does not follow every message.</summary>
    private void AckHandled()
    {
        QueueLimit? limit = this.Limit;
        if (limit is null || limit.FullMode == QueueFullMode.DropOldest)
        {
            return;
        }

        int count;
        MessagePortMain? localPartner;
        lock (this.gate)
        {
            this.handledSinceAck++;
            if (this.inbox.Count > 0 && this.handledSinceAck < Math.Max(1, limit.Capacity / 2))
            {
                return;
            }

            count = this.handledSinceAck;
            this.handledSinceAck = 0;
            localPartner = this.partner;
        }

        if (localPartner is not null)
        {
            localPartner.OnAck(count);
        }
        else
        {
            this.router?.SendAck(this, count);
        }
    }

    private static long NewId()
    {
        byte[] bytes = new byte[8];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(bytes);
        }

        // Ids are unguessable, so a renderer cannot address a port it was never given; the sign bit stays clear.
        return BitConverter.ToInt64(bytes, 0) & long.MaxValue;
    }

    private void ThrowIfTransferred()
    {
        if (this.state == State.Transferred)
        {
            throw new InvalidOperationException($"{this} was transferred to another endpoint and can no longer be used here.");
        }
    }

    private void ScheduleDrainLocked()
    {
        this.AssertLocked();
        if (this.started && !this.draining && this.transfersPending == 0 && (this.inbox.Count > 0 || this.state == State.Closed))
        {
            this.draining = true;
            ThreadPool.QueueUserWorkItem(static s => ((MessagePortMain)s!).Drain(), this);
        }
    }

    private void Drain()
    {
        while (this.TakeNext() is { } next)
        {
            // RaiseMessage reports what handlers throw; the next TakeNext marks the delivery done.
            this.RaiseMessage(next);
            this.AckHandled();
        }
    }

    /// <summary>Takes the next message to deliver, noting the thread that delivers it; ends the drain (raising <see cref="Closed"/> once it is due) when there is none.</summary>
    private Delivery? TakeNext()
    {
        lock (this.gate)
        {
            // The previous message's handlers have returned: a transfer waiting for them (BeginTransfer) may go on.
            this.deliveringOn = null;
            if (this.transfersPending > 0)
            {
                Monitor.PulseAll(this.gate);
            }

            if (this.transfersPending == 0 && this.state != State.Transferred && this.inbox.Count > 0)
            {
                this.deliveringOn = Thread.CurrentThread;
                return this.inbox.Dequeue();
            }

            // A transfer taking the port away ends the drain too: what is queued goes with the port, and EndTransfer
            // resumes if the port stays.
            this.draining = false;
            if (this.transfersPending > 0 || this.state != State.Closed)
            {
                return null;
            }
        }

        this.RaiseClosed();
        return null;
    }

    private void RaiseMessage(Delivery delivery)
    {
        EventHandler<MessageEventArgs>? handlers = this.Message;
        if (handlers is null)
        {
            return;
        }

        var e = new MessageEventArgs(delivery.Payload, this.Serializer, delivery.Ports);

        // Each handler on its own, so one that throws does not starve the others.
        handlerDepth++;
        try
        {
            foreach (EventHandler<MessageEventArgs> handler in handlers.GetInvocationList())
            {
                try
                {
                    handler(this, e);
                }
                catch (Exception ex)
                {
                    this.ReportHandlerFailure(nameof(this.Message), ex);
                }
            }
        }
        finally
        {
            handlerDepth--;
        }
    }

    private void RaiseClosed()
    {
        lock (this.gate)
        {
            if (this.closeRaised)
            {
                return;
            }

            this.closeRaised = true;
        }

        try
        {
            this.Closed?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex)
        {
            this.ReportHandlerFailure(nameof(this.Closed), ex);
        }
    }

    private void ReportHandlerFailure(string eventName, Exception ex)
    {
        if (this.router is not null)
        {
            Log.EventHandlerFailed(this.router.Logger, eventName, ex);
        }
        else
        {
            // A port never attached to an endpoint has no logger; trace is the one sink left.
            System.Diagnostics.Trace.TraceError($"IpcBridge: a {eventName} handler of {this} threw: {ex}");
        }
    }

    /// <summary>A message waiting in a port's queue.</summary>
    internal readonly struct Delivery
    {
        public Delivery(ReadOnlyMemory<byte> payload, IReadOnlyList<MessagePortMain> ports)
        {
            this.Payload = payload;
            this.Ports = ports;
        }

        public ReadOnlyMemory<byte> Payload { get; }

        public IReadOnlyList<MessagePortMain> Ports { get; }
    }
}
