using System;
using System.Collections.Generic;
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
internal sealed partial class PortRouter
{
    /// <summary>Longs per transferred port in <see cref="Frame.Ports"/>: id, partner id, encoded limit.</summary>
    public const int Stride = 3;

    private readonly object gate = new();
    private readonly Dictionary<long, MessagePortMain> local = new();
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
    public void SendWithPorts(IpcConnection link, FrameKind kind, string channel, byte[] payload, MessagePortMain[] ports, long targetPort = 0)
    {
        long[]? ids = null;
        MessagePortMain.Delivery[][]? queued = null;
        if (ports.Length > 0)
        {
            ids = new long[ports.Length * Stride];
            queued = new MessagePortMain.Delivery[ports.Length][];
            lock (this.gate)
            {
                for (int i = 0; i < ports.Length; i++)
                {
                    MessagePortMain port = ports[i];
                    ids[Stride * i] = port.Id;
                    ids[(Stride * i) + 1] = port.PartnerId;
                    ids[(Stride * i) + 2] = QueueLimit.Encode(port.Limit);
                }

                for (int i = 0; i < ports.Length; i++)
                {
                    MessagePortMain port = ports[i];

                    // The partner, if it is here and was never routed, now needs this endpoint to reach the moved port.
                    this.AttachPartnerLocked(port);
                    this.local.Remove(port.Id);
                    this.remote[port.Id] = new Remote(link, port.PartnerId);
                    queued[i] = port.Detach(null);
                }
            }
        }

        link.Write(new Frame(kind, 0, channel, payload, ids, targetPort));
        if (ids is not null)
        {
            this.NoticeSplits(link, ids);
        }

        // What waited in a moved port's queue follows it, after the frame that carried it.
        if (queued is not null)
        {
            for (int i = 0; i < ports.Length; i++)
            {
                foreach (MessagePortMain.Delivery d in queued[i])
                {
                    this.SendWithPorts(link, FrameKind.PortMessage, string.Empty, d.Payload.ToArray(), AsArray(d.Ports), ports[i].Id);
                }
            }
        }
    }

    /// <summary>Delivers a message posted on a local port to its partner, wherever it is.</summary>
    public void SendFromPort(MessagePortMain from, byte[] payload, MessagePortMain[] transfer)
    {
        lock (from.SendGate)
        {
            bool held;
            lock (this.gate)
            {
                held = this.HoldingLocked(from.PartnerId) is not null;
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

    private void SendFromPortNow(MessagePortMain from, byte[] payload, MessagePortMain[] transfer)
    {
        long target = from.PartnerId;
        MessagePortMain? here;
        Remote? there;
        lock (this.gate)
        {
            this.local.TryGetValue(target, out here);
            this.remote.TryGetValue(target, out there);
        }

        if (here is not null)
        {
            here.Enqueue(payload, MoveLocally(transfer, this));
            return;
        }

        if (there is null)
        {
            return;
        }

        // Reading the route and writing on it are one step against BeginMove, which changes the route and fences the old
        // one: a message that read the old route must not reach it after the fence.
        lock (from.SendGate)
        {
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

    /// <summary>A message reached a port object that had just been moved to another endpoint: send it along.</summary>
    public void ForwardToMoved(long portId, ReadOnlyMemory<byte> payload, IReadOnlyList<MessagePortMain> ports)
    {
        Remote? there;
        lock (this.gate)
        {
            this.remote.TryGetValue(portId, out there);
        }

        if (there is not null)
        {
            try
            {
                this.SendWithPorts(there.Link, FrameKind.PortMessage, string.Empty, payload.ToArray(), AsArray(ports), portId);
            }
            catch (IpcDisconnectedException)
            {
                // Gone with its endpoint.
            }
        }
    }

    /// <summary>Creates the local objects for ports that arrived with a frame on <paramref name="link"/>.</summary>
    public IReadOnlyList<MessagePortMain> Receive(IpcConnection link, long[]? ids)
    {
        if (ids is null || ids.Length == 0)
        {
            return Array.Empty<MessagePortMain>();
        }

        MessagePortMain[] gates = this.EnterSendGatesOfPartners(ids);
        try
        {
            return this.ReceiveLocked(link, ids);
        }
        finally
        {
            ExitSendGates(gates);
        }
    }

    private MessagePortMain[] ReceiveLocked(IpcConnection link, long[] ids)
    {
        var ports = new MessagePortMain[ids.Length / Stride];
        var fences = new List<Frame>();
        long refused = 0;
        lock (this.gate)
        {
            if (!this.MayCarryAllLocked(link, ids, out refused))
            {
                ports = Array.Empty<MessagePortMain>();
            }
            else
            {
                for (int i = 0; i < ports.Length; i++)
                {
                    long id = ids[Stride * i];
                    long partnerId = ids[(Stride * i) + 1];
                    MessagePortMain port = MessagePortMain.Create(id, partnerId, this, QueueLimit.Decode(ids[(Stride * i) + 2]));
                    port.ArrivedVia = link;
                    if (this.remote.TryGetValue(id, out Remote? before) && before.Link == link)
                    {
                        // What this endpoint sent to the port over that link comes back after it (see PortRouter.Drains).
                        fences.Add(this.BeginDrainLocked(id, link));
                    }

                    this.remote.Remove(id);
                    this.local[id] = port;
                    if (this.local.TryGetValue(partnerId, out MessagePortMain? partner))
                    {
                        // While its old route drains, the partner's messages go through the router and wait there.
                        if (!this.drains.ContainsKey(id))
                        {
                            port.SetPartner(partner);
                            partner.SetPartner(port);
                        }
                    }
                    else if (!this.remote.ContainsKey(partnerId))
                    {
                        // Unless told otherwise, the partner is back the way this port came.
                        this.remote[partnerId] = new Remote(link, id, guess: true);
                    }

                    ports[i] = port;
                }
            }
        }

        if (ports.Length == 0)
        {
            link.Violation($"a transfer of port {refused:x16}, which that side does not hold");
        }

        foreach (Frame fence in fences)
        {
            TryWrite(link, fence);
        }

        return ports;
    }

    /// <summary>
    /// A link may hand over only ports that live behind it, or that are new here; a port that lives here or that this
    /// endpoint itself sent elsewhere is not its to give (a compromised endpoint re-announcing a port it gave away).
    /// </summary>
    private bool MayCarryAllLocked(IpcConnection link, long[] ids, out long refused)
    {
        for (int i = 0; i + 1 < ids.Length; i += Stride)
        {
            long id = ids[i];
            if (this.local.ContainsKey(id) || (this.remote.TryGetValue(id, out Remote? route) && route.Link != link && !route.Guess))
            {
                refused = id;
                return false;
            }
        }

        refused = 0;
        return true;
    }

    /// <summary>Handles a PortMessage or PortClose frame from <paramref name="link"/>: deliver here, or forward.</summary>
    public void HandlePortFrame(IpcConnection link, Frame frame)
    {
        if (this.TryHandleDrain(link, frame))
        {
            return;
        }

        this.HandlePortFrameNow(link, frame);
    }

    private void HandlePortFrameNow(IpcConnection link, Frame frame)
    {
        MessagePortMain[] gates = this.EnterSendGatesOfPartners(frame.Ports);
        try
        {
            if (this.TryHandleDuringMove(link, frame))
            {
                return;
            }

            this.Route(link, frame);
        }
        finally
        {
            ExitSendGates(gates);
        }
    }

    /// <summary>Delivers or forwards a port frame whose sender passed the holder check.</summary>
    private void Route(IpcConnection link, Frame frame)
    {
        long target = frame.PortId;
        MessagePortMain? here;
        Remote? there;
        string? violation = null;
        List<Frame>? fences = null;
        lock (this.gate)
        {
            this.local.TryGetValue(target, out here);
            this.remote.TryGetValue(target, out there);
            long partnerId = here?.PartnerId ?? there?.PartnerId ?? 0;
            bool fromHolder = this.remote.TryGetValue(partnerId, out Remote? sender) && sender.Link == link;

            // The endpoint that handed a port over may still pass on what was queued for it.
            bool fromGiver = here is not null && here.ArrivedVia == link;

            // The port's own holder fencing its old route through here (it gave the port to this endpoint before, and
            // got it back): the fence goes straight back the way it came, after what this endpoint passed on before it.
            bool ownFence = frame.Kind == FrameKind.PortFence && frame.Ports is null && here is null && there?.Link == link;
            if ((here is null && there is null) || !(fromHolder || fromGiver || ownFence || this.IsRelayLocked(target, link) || this.IsDrainingFromLocked(target, link)))
            {
                // Not a port this link holds the other end of: stale after a close, or forged. Ports it carried are refused.
                RejectPorts(link, frame.Ports);
                return;
            }

            if (frame.Kind == FrameKind.PortClose)
            {
                this.local.Remove(target);
                this.remote.Remove(target);
                this.remote.Remove(partnerId);
                this.fencedEarly.Remove(target);
            }
            else if (here is null && frame.Ports is not null && !this.MayCarryAllLocked(link, frame.Ports, out long refused))
            {
                violation = $"a transfer of port {refused:x16}, which that side does not hold";
            }
            else if (here is null && frame.Ports is not null)
            {
                // Passing through: the carried ports will live where the frame goes, their partners stay where it came from.
                for (int i = 0; i + 1 < frame.Ports.Length; i += Stride)
                {
                    if (there!.Link != link && this.remote.TryGetValue(frame.Ports[i], out Remote? before) && before.Link == link)
                    {
                        // Handed on by the endpoint it lived behind: what this one sent it that way comes back first.
                        (fences ??= new List<Frame>()).Add(this.BeginDrainLocked(frame.Ports[i], link));
                    }

                    this.local.Remove(frame.Ports[i]);
                    this.remote[frame.Ports[i]] = new Remote(there.Link, frame.Ports[i + 1]);
                    if (!this.local.ContainsKey(frame.Ports[i + 1]) && !this.remote.ContainsKey(frame.Ports[i + 1]))
                    {
                        this.remote[frame.Ports[i + 1]] = new Remote(link, frame.Ports[i], guess: true);
                    }
                }
            }
        }

        if (violation is not null)
        {
            link.Violation(violation);
            return;
        }

        if (fences is not null)
        {
            foreach (Frame fence in fences)
            {
                TryWrite(link, fence);
            }
        }

        if (frame.Kind == FrameKind.PortClose)
        {
            this.ReleaseIfIdle(link);
        }

        if (here is not null)
        {
            if (frame.Kind == FrameKind.PortClose)
            {
                here.OnRemoteClosed();
            }
            else if (frame.Kind == FrameKind.PortAck)
            {
                here.OnAck((int)Math.Min(frame.CallId, int.MaxValue));
            }
            else if (frame.Kind == FrameKind.PortFence)
            {
                // A fence for a port that is not moving here (yet): main's move request may still be on its way to
                // BeginMove, which then finds the old route already drained.
                lock (this.gate)
                {
                    this.fencedEarly[target] = link;
                }
            }
            else
            {
                here.Enqueue(frame.Payload, this.Receive(link, frame.Ports));
            }

            return;
        }

        try
        {
            there!.Link.Write(frame);
            if (frame.Kind == FrameKind.PortMessage)
            {
                Interlocked.Increment(ref this.forwarded);
            }
            if (frame.Ports is not null)
            {
                this.NoticeSplits(there.Link, frame.Ports);
            }
        }
        catch (IpcDisconnectedException)
        {
            // The holder is gone; its link's end closes the partner.
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
            TryWrite(there.Link, new Frame(FrameKind.PortAck, count, string.Empty, ReadOnlyMemory<byte>.Empty, null, port.PartnerId));
        }
    }

    /// <summary>A local port was closed: tell its partner.</summary>
    public void ClosePort(MessagePortMain port)
    {
        lock (port.SendGate)
        {
            lock (this.gate)
            {
                // Messages posted before the close may be waiting for a drain: the close waits behind them.
                if (this.TryHoldLocked(port.PartnerId, () => this.ClosePortNow(port)))
                {
                    return;
                }
            }

            this.ClosePortNow(port);
        }
    }

    private void ClosePortNow(MessagePortMain port)
    {
        MessagePortMain? here;
        Remote? there;

        // As for messages: the close goes on the route current at the moment it is written (see SendFromPort).
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
                TryWrite(there.Link, new Frame(FrameKind.PortClose, 0, string.Empty, ReadOnlyMemory<byte>.Empty, null, port.PartnerId));
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

    /// <summary>Ports that arrived on a refused frame are closed at once, so their partners learn it.</summary>
#pragma warning disable CA1822 // Part of the router's surface beside its other link operations.
    public void RejectTransferred(IpcConnection link, long[]? ids) => RejectPorts(link, ids);
#pragma warning restore CA1822

    /// <summary>The link is gone: every port whose partner lived behind it closes, here or wherever it was forwarded.</summary>
    public void OnLinkClosed(IpcConnection link)
    {
        var closeHere = new List<MessagePortMain>();
        var closeThere = new List<(IpcConnection Link, long PortId)>();
        lock (this.gate)
        {
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

        foreach (MessagePortMain port in closeHere)
        {
            port.OnRemoteClosed();
        }

        foreach ((IpcConnection other, long portId) in closeThere)
        {
            TryWrite(other, new Frame(FrameKind.PortClose, 0, string.Empty, ReadOnlyMemory<byte>.Empty, null, portId));
        }

        this.EndDrainsThrough(link);
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

    private static void RejectPorts(IpcConnection link, long[]? ids)
    {
        if (ids is null)
        {
            return;
        }

        for (int i = 0; i + 1 < ids.Length; i += Stride)
        {
            TryWrite(link, new Frame(FrameKind.PortClose, 0, string.Empty, ReadOnlyMemory<byte>.Empty, null, ids[i + 1]));
        }
    }

    private void AttachPartnerLocked(MessagePortMain port)
    {
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
