using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using IpcBridge.Diagnostics;
using IpcBridge.Ports;
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
/// Queues are unbounded, as in Electron.
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

    private MessagePortMain(long id, long partnerId, PortRouter? router)
    {
        this.Id = id;
        this.PartnerId = partnerId;
        this.router = router;
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

    internal long Id { get; }

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
    /// <remarks>A no-op once the port is closed.</remarks>
    /// <exception cref="InvalidOperationException">This port was transferred away, or a listed port is closed or transferred.</exception>
    /// <exception cref="ArgumentException">The list contains this port, its partner, or a port twice.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
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
        byte[] payload = this.Serializer.SerializeObject(message);
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

    internal static (MessagePortMain, MessagePortMain) CreatePair()
    {
        long a = NewId();
        long b = NewId();
        var first = new MessagePortMain(a, b, null);
        var second = new MessagePortMain(b, a, null);
        first.partner = second;
        second.partner = first;
        return (first, second);
    }

    internal static MessagePortMain Create(long id, long partnerId, PortRouter? router) => new(id, partnerId, router);

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
            this.router?.ForwardToMoved(this.Id, payload, ports);
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
        if (this.started && !this.draining && (this.inbox.Count > 0 || this.state == State.Closed))
        {
            this.draining = true;
            ThreadPool.QueueUserWorkItem(static s => ((MessagePortMain)s!).Drain(), this);
        }
    }

    private void Drain()
    {
        while (true)
        {
            Delivery next;
            lock (this.gate)
            {
                if (this.state == State.Transferred || this.inbox.Count == 0)
                {
                    this.draining = false;
                    if (this.state != State.Closed)
                    {
                        return;
                    }

                    break;
                }

                next = this.inbox.Dequeue();
            }

            try
            {
                this.Message?.Invoke(this, new MessageEventArgs(next.Payload, this.Serializer, next.Ports));
            }
            catch (Exception ex)
            {
                this.ReportHandlerFailure(nameof(this.Message), ex);
            }
        }

        this.RaiseClosed();
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
