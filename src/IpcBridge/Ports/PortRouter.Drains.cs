using System;
using System.Collections.Generic;
using System.Threading;
using IpcBridge.Protocol;

namespace IpcBridge.Ports;

/// <content>
/// Keeping a port's messages in order when its holder hands it on through this endpoint. Frames this endpoint already
/// sent towards the old holder are still on their way there; the old holder passes them back, since it routes frames
/// for a port it gave away along that port's new route, which leads back here. So when a port comes (or passes) from
/// the link it lived behind, this endpoint writes a fence on that link, lets what comes back on it through, and holds
/// every other frame for the port until the fence has come back the same way: nothing overtakes what was in flight.
/// </content>
internal sealed partial class PortRouter
{
    /// <summary>Ports whose old route is being drained, by port id.</summary>
    private readonly Dictionary<long, Drain> drains = new();

    /// <summary>Ports announced by a held frame, by port id: frames for them wait behind it in the same drain.</summary>
    private readonly Dictionary<long, Drain> heldWith = new();

    /// <summary>Gets a value indicating whether frames for <paramref name="portId"/> are being held while its old route drains (for tests).</summary>
    internal bool IsDraining(long portId)
    {
        lock (this.gate)
        {
            return this.drains.ContainsKey(portId);
        }
    }

    /// <summary>
    /// Port <paramref name="portId"/> lived behind <paramref name="oldLink"/> and now lives elsewhere: what was sent to it
    /// that way must come back before anything newer goes on. The caller writes the returned fence after the lock, while
    /// still holding the send gate of the port's partner if that lives here.
    /// </summary>
    private Frame BeginDrainLocked(long portId, IpcConnection oldLink)
    {
        if (!this.drains.TryGetValue(portId, out Drain? drain))
        {
            drain = new Drain(portId);
            this.drains[portId] = drain;
        }

        drain.Pending.Add(oldLink);
        return new Frame(FrameKind.PortFence, 0, string.Empty, ReadOnlyMemory<byte>.Empty, null, portId);
    }

    /// <summary>Gets a value indicating whether <paramref name="link"/> is an old route of <paramref name="target"/> still passing back what was sent along it.</summary>
    private bool IsDrainingFromLocked(long target, IpcConnection link)
        => this.drains.TryGetValue(target, out Drain? drain) && drain.Pending.Contains(link);

    /// <summary>Finds the drain that frames for <paramref name="target"/> have to wait for, if any.</summary>
    private Drain? HoldingLocked(long target)
    {
        if (this.drains.TryGetValue(target, out Drain? drain))
        {
            return drain;
        }

        return this.heldWith.TryGetValue(target, out drain) ? drain : null;
    }

    /// <summary>Holds <paramref name="work"/> when frames for <paramref name="target"/> must wait for a drain.</summary>
    /// <returns><see langword="true"/> when held; it runs, in order, once the old route is drained, and must not check for a drain again.</returns>
    private bool TryHoldLocked(long target, Action work)
    {
        Drain? drain = this.HoldingLocked(target);
        if (drain is null)
        {
            return false;
        }

        this.HoldLocked(drain, target, work);
        return true;
    }

    /// <summary>Queues work behind a drain, up to the bound an old holder that never returns the fence can make this endpoint keep.</summary>
    private void HoldLocked(Drain drain, long target, Action work)
    {
        if (drain.Held.Count >= MaxHeldBack)
        {
            Diagnostics.Log.PortFrameDropped(this.Logger, target);
            return;
        }

        drain.Held.Enqueue(work);
    }

    /// <summary>Handles a port frame that a drain affects.</summary>
    /// <returns><see langword="true"/> when the frame was consumed (a fence that came back) or held.</returns>
    private bool TryHandleDrain(IpcConnection link, Frame frame)
    {
        Drain? done = null;
        lock (this.gate)
        {
            Drain? drain = this.HoldingLocked(frame.PortId);
            if (drain is null)
            {
                return false;
            }

            bool fromOldRoute = drain.PortId == frame.PortId && drain.Pending.Contains(link);
            if (fromOldRoute && frame.Kind == FrameKind.PortFence)
            {
                drain.Pending.Remove(link);
                if (drain.Pending.Count > 0)
                {
                    return true;
                }

                done = drain;
            }
            else if (fromOldRoute || frame.Kind == FrameKind.PortAck)
            {
                // What the old route passes back goes on now; credit keeps no order with messages.
                return false;
            }
            else
            {
                // A port this frame announces is unknown here until the frame is routed, so frames for it wait too.
                if (frame.Ports is not null)
                {
                    for (int i = 0; i + 1 < frame.Ports.Length; i += Stride)
                    {
                        this.heldWith[frame.Ports[i]] = drain;
                        drain.Carried.Add(frame.Ports[i]);
                    }
                }

                this.HoldLocked(drain, frame.PortId, () => this.HandlePortFrameNow(link, frame));
                return true;
            }
        }

        this.Release(done);
        return true;
    }

    /// <summary>The link of an old route is gone, and with it whatever it had still to pass back: stop waiting for it.</summary>
    private void EndDrainsThrough(IpcConnection link)
    {
        var done = new List<Drain>();
        lock (this.gate)
        {
            foreach (Drain drain in this.drains.Values)
            {
                if (drain.Pending.RemoveAll(l => l == link) > 0 && drain.Pending.Count == 0)
                {
                    done.Add(drain);
                }
            }
        }

        foreach (Drain drain in done)
        {
            this.Release(drain);
        }
    }

    /// <summary>Runs what waited for the drain, in the order it came, then lets the port and a partner here talk directly again.</summary>
    private void Release(Drain? drain)
    {
        if (drain is null)
        {
            return;
        }

        while (true)
        {
            Action work;
            lock (this.gate)
            {
                if (drain.Pending.Count > 0)
                {
                    // Moved on again meanwhile: the rest waits for that route's fence too.
                    return;
                }

                // The drain stays in place until its queue is empty: what a sender posts meanwhile queues behind the rest.
                if (drain.Held.Count == 0)
                {
                    if (this.drains.TryGetValue(drain.PortId, out Drain? current) && current == drain)
                    {
                        this.drains.Remove(drain.PortId);
                    }

                    foreach (long carried in drain.Carried)
                    {
                        if (this.heldWith.TryGetValue(carried, out Drain? holder) && holder == drain)
                        {
                            this.heldWith.Remove(carried);
                        }
                    }

                    break;
                }

                work = drain.Held.Dequeue();
            }

            work();
        }

        MessagePortMain? port;
        MessagePortMain? partner = null;
        lock (this.gate)
        {
            if (this.local.TryGetValue(drain.PortId, out port))
            {
                this.local.TryGetValue(port.PartnerId, out partner);
            }
        }

        if (port is not null && partner is not null && port.LocalPartner is null && partner.LocalPartner is null)
        {
            port.SetPartner(partner);
            partner.SetPartner(port);
        }
    }

    /// <summary>
    /// Takes the send gates of the ports here whose partners arrive with <paramref name="ids"/>: their senders read a
    /// route and write on it under that gate, so none is between the two while the route changes and the old one is fenced.
    /// </summary>
    private MessagePortMain[] EnterSendGatesOfPartners(long[]? ids)
    {
        if (ids is null || ids.Length == 0)
        {
            return Array.Empty<MessagePortMain>();
        }

        var partners = new List<MessagePortMain>();
        lock (this.gate)
        {
            for (int i = 0; i + 1 < ids.Length; i += Stride)
            {
                if (this.local.TryGetValue(ids[i + 1], out MessagePortMain? partner))
                {
                    partners.Add(partner);
                }
            }
        }

        // Only an endpoint's dispatch loop takes more than one send gate, and never while holding the router's lock, so
        // this cannot deadlock with a sender, which takes its own send gate and then the router's lock.
        foreach (MessagePortMain partner in partners)
        {
            Monitor.Enter(partner.SendGate);
        }

        return partners.ToArray();
    }

    private static void ExitSendGates(MessagePortMain[] partners)
    {
        for (int i = partners.Length - 1; i >= 0; i--)
        {
            Monitor.Exit(partners[i].SendGate);
        }
    }

    private sealed class Drain
    {
        public Drain(long portId) => this.PortId = portId;

        public long PortId { get; }

        /// <summary>Gets the old routes whose fence has not come back yet.</summary>
        public List<IpcConnection> Pending { get; } = new();

        /// <summary>Gets what waits for the old routes to drain, in arrival order.</summary>
        public Queue<Action> Held { get; } = new();

        /// <summary>Gets the ports announced by held frames.</summary>
        public List<long> Carried { get; } = new();
    }
}
