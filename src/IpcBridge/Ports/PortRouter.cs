using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using IpcBridge.Protocol;
using IpcBridge.Serialization;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Ports;

/// <summary>
/// One endpoint's table of ports: the ones that live here, and for the others, which link leads to them. A message for
/// a port id goes to the local object or along the link; main, which links every endpoint, forwards between renderers.
/// A port frame is accepted from a link only if the partner of its target port lies behind that link, so an endpoint
/// can reach only the ports it was given.
/// </summary>
/// <remarks>
/// This file holds the tables and what local ports send; <c>PortRouter.Inbound.cs</c> what arrives over links;
/// <c>PortRouter.Holds.cs</c> the one mechanism that holds a port's frames until a fence comes back (a port handed on,
/// a pair moved onto a direct link); <c>PortRouter.Moves.cs</c> the moves onto direct links.
/// Lock order: a port's <see cref="MessagePortMain.SendGate"/>, then <see cref="gate"/>; never the other way round.
/// </remarks>
internal sealed partial class PortRouter
{
    /// <summary>Guards <see cref="local"/>, <see cref="remote"/> and the state of every partial file; methods named <c>*Locked</c> run under it.</summary>
    private readonly object gate = new();

    /// <summary>The ports that live here, by id. Lock <see cref="gate"/>.</summary>
    private readonly Dictionary<long, MessagePortMain> local = new();

    /// <summary>For ports that live elsewhere, the link that leads to them, by id. Lock <see cref="gate"/>.</summary>
    private readonly Dictionary<long, Remote> remote = new();

    public PortRouter(PayloadSerializer serializer, ILogger logger)
    {
        this.Serializer = serializer;
        this.Logger = logger;
    }

    public PayloadSerializer Serializer { get; }

    public ILogger Logger { get; }

    /// <summary>Moves ports to a receiver in the same endpoint: new objects, same ids; the old objects become unusable.</summary>
    public static IReadOnlyList<MessagePortMain> MoveLocally(MessagePortMain[] ports, PortRouter? router)
    {
        if (ports.Length == 0)
        {
            return Array.Empty<MessagePortMain>();
        }

        var moved = new MessagePortMain[ports.Length];
        for (int i = 0; i < ports.Length; i++)
        {
            MessagePortMain old = ports[i];
            PortRouter? owner = old.Router ?? router;
            MessagePortMain fresh = MessagePortMain.Create(old.Id, old.PartnerId, owner, old.Limit);
            fresh.SetPartner(old.LocalPartner);
            fresh.ArrivedVia = old.ArrivedVia;
            owner?.Replace(old, fresh);
            MessagePortMain.Delivery[] queued = old.Detach(fresh);
            foreach (MessagePortMain.Delivery d in queued)
            {
                fresh.Enqueue(d.Payload, d.Ports);
            }

            moved[i] = fresh;
        }

        return moved;
    }

    /// <summary>Writes a frame carrying <paramref name="ports"/> over <paramref name="link"/>; each port then lives behind that link.</summary>
    public void SendWithPorts(IpcConnection link, FrameKind kind, string channel, ReadOnlyMemory<byte> payload, MessagePortMain[] ports, long targetPort = 0)
    {
        if (ports.Length == 0)
        {
            link.Write(new Frame(kind, 0, channel, payload, null, targetPort));
            return;
        }

        var carried = new TransferredPort[ports.Length];
        lock (this.gate)
        using (FrameDispatcher.EnterNoWait())
        {
            var queued = new MessagePortMain.Delivery[ports.Length][];
            for (int i = 0; i < ports.Length; i++)
            {
                carried[i] = TransferredPort.Of(ports[i]);
                queued[i] = this.HandOverLocked(link, ports[i]);
            }

            // Written under the lock that changed the routes: a frame for a moved port that another thread routes the new way
            // (a message reaching the port object just given away, a local partner's post) must not overtake the frame that
            // carries the port, or the other side would not know the port yet. A write only queues the frame.
            link.Write(new Frame(kind, 0, channel, payload, carried, targetPort));

            // What waited in a moved port's queue follows it, after the frame that carried it.
            for (int i = 0; i < ports.Length; i++)
            {
                foreach (MessagePortMain.Delivery d in queued[i])
                {
                    this.SendWithPorts(link, FrameKind.PortMessage, string.Empty, d.Payload, AsArray(d.Ports), ports[i].Id);
                }
            }
        }

        this.NoticeSplits(link, carried);
    }

    /// <summary>Delivers a message posted on a local port to its partner, wherever it is.</summary>
    public void SendFromPort(MessagePortMain from, ReadOnlyMemory<byte> payload, MessagePortMain[] transfer)
    {
        lock (from.SendGate)
        {
            bool held;
            lock (this.gate)
            {
                held = this.ActiveHoldLocked(from.PartnerId) is not null;
            }

            if (held)
            {
                // The transferred ports become unusable to the sender now, not when the message goes on.
                MessagePortMain[] moved = AsArray(MoveLocally(transfer, this));
                lock (this.gate)
                {
                    if (this.TryHoldLocked(from.PartnerId, () => this.SendFromPortNow(from, payload, moved)))
                    {
                        return;
                    }
                }

                transfer = moved;
            }

            this.SendFromPortNow(from, payload, transfer);
        }
    }

    /// <summary>
    /// Delivers a message for port <paramref name="portId"/> wherever the port is now, under the lock that hands ports
    /// over: queued at the port object that lives here (and follows it if it goes), or sent behind the link it went to.
    /// For a frame that arrived for a local port, and for a message that reached a port object just handed on.
    /// </summary>
    public void DeliverToPort(long portId, ReadOnlyMemory<byte> payload, IReadOnlyList<MessagePortMain> ports)
    {
        lock (this.gate)
        {
            if (this.local.TryGetValue(portId, out MessagePortMain? here))
            {
                here.Enqueue(payload, ports);
                return;
            }

            if (!this.remote.TryGetValue(portId, out Remote? there))
            {
                // Closed meanwhile: posting to a closed port is a no-op.
                return;
            }

            try
            {
                // Under the lock, so it cannot overtake a frame that is carrying the port on (see SendWithPorts).
                using FrameDispatcher.NoWaitScope noWait = FrameDispatcher.EnterNoWait();
                this.SendWithPorts(there.Link, FrameKind.PortMessage, string.Empty, payload.ToArray(), AsArray(ports), portId);
            }
            catch (IpcDisconnectedException)
            {
                // Gone with its endpoint.
            }
        }
    }

    /// <summary>A local port handled <paramref name="count"/> messages: give its partner that much credit.</summary>
    public void SendAck(MessagePortMain port, int count)
    {
        MessagePortMain? here;
        Remote? there;
        lock (this.gate)
        {
            this.local.TryGetValue(port.PartnerId, out here);
            this.remote.TryGetValue(port.PartnerId, out there);
        }

        if (here is not null)
        {
            here.OnAck(count);
        }
        else if (there is not null)
        {
            TryWrite(there.Link, Frame.PortAck(port.PartnerId, count));
        }
    }

    /// <summary>A local port was closed: tell its partner.</summary>
    public void ClosePort(MessagePortMain port)
    {
        lock (port.SendGate)
        {
            lock (this.gate)
            {
                // Messages posted before the close may be held: the close waits behind them.
                if (this.TryHoldLocked(port.PartnerId, () => this.ClosePortNow(port)))
                {
                    return;
                }
            }

            this.ClosePortNow(port);
        }
    }

    /// <summary>Ports that arrived on a refused frame are closed at once, so their partners learn it.</summary>
#pragma warning disable CA1822 // Part of the router's surface beside its other link operations.
    public void RejectTransferred(IpcConnection link, TransferredPort[]? ports) => RejectPorts(link, ports);
#pragma warning restore CA1822

    /// <summary>The link is gone: every port whose partner lived behind it closes, here or wherever it was forwarded.</summary>
    public void OnLinkClosed(IpcConnection link)
    {
        var closeHere = new List<MessagePortMain>();
        var closeThere = new List<(IpcConnection Link, long PortId)>();
        lock (this.gate)
        {
            this.ForgetRoutesThroughLocked(link, closeHere, closeThere);
        }

        foreach (MessagePortMain port in closeHere)
        {
            port.OnRemoteClosed();
        }

        foreach ((IpcConnection other, long portId) in closeThere)
        {
            TryWrite(other, Frame.PortClose(portId));
        }

        this.EndHoldsThrough(link);
    }

    private static MessagePortMain[] AsArray(IReadOnlyList<MessagePortMain> ports)
    {
        if (ports is MessagePortMain[] array)
        {
            return array;
        }

        var copy = new MessagePortMain[ports.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = ports[i];
        }

        return copy;
    }

    private static void TryWrite(IpcConnection link, Frame frame)
    {
        try
        {
            link.Write(frame);
        }
        catch (IpcDisconnectedException)
        {
            // Nobody left to tell.
        }
    }

    private static void RejectPorts(IpcConnection link, TransferredPort[]? ports)
    {
        if (ports is null)
        {
            return;
        }

        foreach (TransferredPort port in ports)
        {
            TryWrite(link, Frame.PortClose(port.PartnerId));
        }
    }

    /// <summary>Checks, in debug builds, that the caller holds <see cref="gate"/>, as every <c>*Locked</c> method requires.</summary>
    [Conditional("DEBUG")]
    private void AssertLocked() => Debug.Assert(Monitor.IsEntered(this.gate), "The caller must hold the router's lock.");

    /// <summary>Records that <paramref name="port"/> now lives behind <paramref name="link"/>, and takes what waited in its queue.</summary>
    private MessagePortMain.Delivery[] HandOverLocked(IpcConnection link, MessagePortMain port)
    {
        this.AssertLocked();

        // The partner, if it is here and was never routed, now needs this endpoint to reach the moved port.
        this.AttachPartnerLocked(port);
        this.local.Remove(port.Id);
        this.remote[port.Id] = new Remote(link, port.PartnerId);
        return port.Detach(null);
    }

    private void SendFromPortNow(MessagePortMain from, ReadOnlyMemory<byte> payload, MessagePortMain[] transfer)
    {
        long target = from.PartnerId;
        MessagePortMain? here;
        lock (this.gate)
        {
            this.local.TryGetValue(target, out here);
        }

        if (here is not null)
        {
            here.Enqueue(payload, MoveLocally(transfer, this));
            return;
        }

        // Reading the route and writing on it are one step against BeginMove, which changes the route and fences the old
        // one: a message that read the old route must not reach it after the fence.
        lock (from.SendGate)
        {
            Remote? there;
            lock (this.gate)
            {
                this.remote.TryGetValue(target, out there);
            }

            if (there is null)
            {
                return;
            }

            try
            {
                this.SendWithPorts(there.Link, FrameKind.PortMessage, string.Empty, payload, transfer, target);
            }
            catch (IpcDisconnectedException)
            {
                // The partner's endpoint is gone; this port is being closed by the link's end. Posting to a closed port is a no-op.
            }
        }
    }

    private void ClosePortNow(MessagePortMain port)
    {
        MessagePortMain? here;
        Remote? there;

        // As for messages: the close goes on the route current at the moment it is written (see SendFromPortNow).
        lock (port.SendGate)
        {
            lock (this.gate)
            {
                this.local.Remove(port.Id);
                this.local.TryGetValue(port.PartnerId, out here);
                this.remote.TryGetValue(port.PartnerId, out there);
                this.remote.Remove(port.PartnerId);
            }

            if (here is null && there is not null)
            {
                TryWrite(there.Link, Frame.PortClose(port.PartnerId));
            }
        }

        if (here is not null)
        {
            here.OnRemoteClosed();
        }
        else if (there is not null)
        {
            this.ReleaseIfIdle(there.Link);
        }
    }

    /// <summary>Drops every route through <paramref name="link"/>, collecting the partners to close here and elsewhere.</summary>
    private void ForgetRoutesThroughLocked(IpcConnection link, List<MessagePortMain> closeHere, List<(IpcConnection Link, long PortId)> closeThere)
    {
        this.AssertLocked();
        var behind = new List<long>();
        foreach (KeyValuePair<long, Remote> entry in this.remote)
        {
            if (entry.Value.Link == link)
            {
                behind.Add(entry.Key);
            }
        }

        foreach (long id in behind)
        {
            long partnerId = this.remote[id].PartnerId;
            this.remote.Remove(id);
            if (this.local.TryGetValue(partnerId, out MessagePortMain? port))
            {
                this.local.Remove(partnerId);
                closeHere.Add(port);
            }
            else if (this.remote.TryGetValue(partnerId, out Remote? other) && other.Link != link)
            {
                this.remote.Remove(partnerId);
                closeThere.Add((other.Link, partnerId));
            }
        }
    }

    /// <summary>A pair's direct channel serves one pair: once no route uses it, it is closed.</summary>
    private void ReleaseIfIdle(IpcConnection link)
    {
        if (!link.IsPeerLink)
        {
            return;
        }

        lock (this.gate)
        {
            foreach (Remote route in this.remote.Values)
            {
                if (route.Link == link)
                {
                    return;
                }
            }
        }

        link.Close(new IpcDisconnectedException("The port pair on this channel is closed.", DisconnectReason.LocalClosed));
    }

    private void AttachPartnerLocked(MessagePortMain port)
    {
        this.AssertLocked();
        if (this.local.ContainsKey(port.PartnerId) || this.remote.ContainsKey(port.PartnerId))
        {
            return;
        }

        MessagePortMain? partner = port.LocalPartner;
        if (partner is not null && (partner.Router == this || partner.TryAttach(this)))
        {
            this.local[partner.Id] = partner;
        }
    }

    private void Replace(MessagePortMain old, MessagePortMain fresh)
    {
        lock (this.gate)
        {
            if (this.local.TryGetValue(old.Id, out MessagePortMain? current) && current == old)
            {
                this.local[old.Id] = fresh;
            }
        }
    }

    /// <summary>Lets a port and its partner, both here, talk directly again once nothing holds the port's frames.</summary>
    private void EntangleIfBothHere(long portId)
    {
        // Under the router's lock, like every other change of who lives here (a hand-over detaches the port under it):
        // read outside it, the pair could be entangled just after the port was handed on, and its partner would then keep
        // posting to an object that no longer routes (lost or reordered messages).
        lock (this.gate)
        {
            if (!this.local.TryGetValue(portId, out MessagePortMain? port)
                || this.HoldsFramesForLocked(portId)
                || !this.local.TryGetValue(port.PartnerId, out MessagePortMain? partner))
            {
                return;
            }

            if (port.LocalPartner is null && partner.LocalPartner is null)
            {
                port.SetPartner(partner);
                partner.SetPartner(port);
            }
        }
    }

    /// <summary>Where a port that does not live here is: the link that leads to it, and its partner's id.</summary>
    private sealed class Remote
    {
        public Remote(IpcConnection link, long partnerId, bool guess = false)
        {
            this.Link = link;
            this.PartnerId = partnerId;
            this.Guess = guess;
        }

        /// <summary>Gets a value indicating whether the route is only assumed (a partner's, back the way its port came) rather than known.</summary>
        public bool Guess { get; }

        public IpcConnection Link { get; }

        /// <summary>Gets the id of the partner of the port that lives behind <see cref="Link"/>.</summary>
        public long PartnerId { get; }
    }
}
