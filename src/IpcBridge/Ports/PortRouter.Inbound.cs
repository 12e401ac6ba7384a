using System;
using System.Collections.Generic;
using System.Threading;
using IpcBridge.Protocol;

namespace IpcBridge.Ports;

/// <content>
/// What arrives over links: ports carried by a frame, and port frames (PortMessage, PortClose, PortAck, PortFence), which
/// are delivered to a local port or forwarded along the target's route. Every port frame passes the hold check of
/// <c>PortRouter.Holds.cs</c> once, then the holder check here.
/// </content>
internal sealed partial class PortRouter
{
    /// <summary>How many port messages this endpoint forwarded between two links.</summary>
    private long forwarded;

    /// <summary>Gets how many port messages this endpoint forwarded between two links (for diagnostics and tests).</summary>
    public long ForwardedFrames => Interlocked.Read(ref this.forwarded);

    /// <summary>Creates the local objects for ports that arrived with a frame on <paramref name="link"/>.</summary>
    public IReadOnlyList<MessagePortMain> Receive(IpcConnection link, TransferredPort[]? carried)
    {
        if (carried is null || carried.Length == 0)
        {
            return Array.Empty<MessagePortMain>();
        }

        MessagePortMain[] gates = this.EnterSendGatesOfPartners(carried);
        try
        {
            return this.ReceiveAll(link, carried);
        }
        finally
        {
            ExitSendGates(gates);
        }
    }

    /// <summary>Handles a PortMessage, PortClose, PortAck or PortFence frame from <paramref name="link"/>: hold it, deliver it here, or forward it.</summary>
    public void HandlePortFrame(IpcConnection link, Frame frame)
    {
        if (this.TryHold(link, frame))
        {
            return;
        }

        this.HandlePortFrameNow(link, frame);
    }

    /// <summary>Handles a port frame past the hold check: the one way in for frames that arrive and for frames a hold lets go.</summary>
    private void HandlePortFrameNow(IpcConnection link, Frame frame)
    {
        MessagePortMain[] gates = this.EnterSendGatesOfPartners(frame.Ports);
        try
        {
            this.Route(link, frame);
        }
        finally
        {
            ExitSendGates(gates);
        }
    }

    private MessagePortMain[] ReceiveAll(IpcConnection link, TransferredPort[] carried)
    {
        var ports = new MessagePortMain[carried.Length];
        List<Frame>? fences = null;
        bool mayCarry;
        long refused;
        lock (this.gate)
        {
            mayCarry = this.MayCarryAllLocked(link, carried, out refused);
            if (mayCarry)
            {
                for (int i = 0; i < ports.Length; i++)
                {
                    ports[i] = this.AcceptLocked(link, carried[i], ref fences);
                }
            }
        }

        if (!mayCarry)
        {
            link.Violation($"a transfer of port {refused:x16}, which that side does not hold");
            return Array.Empty<MessagePortMain>();
        }

        WriteAll(link, fences);
        return ports;
    }

    /// <summary>Makes a port that arrived on <paramref name="link"/> live here.</summary>
    private MessagePortMain AcceptLocked(IpcConnection link, TransferredPort carried, ref List<Frame>? fences)
    {
        this.AssertLocked();
        var port = MessagePortMain.Create(carried.Id, carried.PartnerId, this, carried.Limit);
        port.ArrivedVia = link;
        if (this.remote.TryGetValue(carried.Id, out Remote? before) && before.Link == link)
        {
            // What this endpoint sent to the port over that link comes back after it (see PortRouter.Holds).
            (fences ??= new List<Frame>()).Add(this.AwaitOwnFenceLocked(carried.Id, link));
        }

        this.remote.Remove(carried.Id);
        this.local[carried.Id] = port;
        if (this.local.TryGetValue(carried.PartnerId, out MessagePortMain? partner))
        {
            // While the port's frames are held, the partner's messages go through the router and wait there.
            if (!this.HoldsFramesForLocked(carried.Id))
            {
                port.SetPartner(partner);
                partner.SetPartner(port);
            }
        }
        else if (!this.remote.ContainsKey(carried.PartnerId))
        {
            // Unless told otherwise, the partner is back the way this port came.
            this.remote[carried.PartnerId] = new Remote(link, carried.Id, guess: true);
        }

        return port;
    }

    /// <summary>
    /// A link may hand over only ports that live behind it, or that are new here; a port that lives here or that this
    /// endpoint itself sent elsewhere is not its to give (a compromised endpoint re-announcing a port it gave away).
    /// <paramref name="refused"/> is the first port refused.
    /// </summary>
    private bool MayCarryAllLocked(IpcConnection link, TransferredPort[] carried, out long refused)
    {
        this.AssertLocked();
        foreach (TransferredPort port in carried)
        {
            if (this.local.ContainsKey(port.Id) || (this.remote.TryGetValue(port.Id, out Remote? route) && route.Link != link && !route.Guess))
            {
                refused = port.Id;
                return false;
            }
        }

        refused = 0;
        return true;
    }

    /// <summary>
    /// Gets a value indicating whether <paramref name="link"/> may address the port of <paramref name="frame"/>: it holds the
    /// port's partner, or handed the port over (for what was queued in it), or relays for a pair that moved on, or is an
    /// old route of the port passing back what was sent along it. A fence for a port that lives behind the link it came
    /// over is that side's own, awaiting its return (see PortRouter.Holds): it goes back whoever holds the partner.
    /// </summary>
    private bool MayAddressLocked(IpcConnection link, Frame frame, MessagePortMain? here, Remote? there)
    {
        this.AssertLocked();
        if (here is null && there is null)
        {
            return false;
        }

        long partnerId = here?.PartnerId ?? there!.PartnerId;
        return (this.remote.TryGetValue(partnerId, out Remote? sender) && sender.Link == link)
            || (here is not null && here.ArrivedVia == link)
            || (frame.Kind == FrameKind.PortFence && there?.Link == link)
            || this.IsRelayLocked(frame.PortId, link)
            || this.IsOldRouteLocked(frame.PortId, link);
    }

    /// <summary>Delivers or forwards a port frame that passed the hold check.</summary>
    private void Route(IpcConnection link, Frame frame)
    {
        MessagePortMain? here;
        Remote? there;
        List<Frame>? fences = null;
        bool addressable;
        bool mayCarry = true;
        long refused = 0;
        lock (this.gate)
        {
            addressable = this.ResolveLocked(link, frame, out here, out there);
            if (addressable && here is null && frame.Kind != FrameKind.PortClose && frame.Ports is not null)
            {
                // Checked and recorded under the same lock as the holder check: the carried ports will live where the frame goes.
                mayCarry = this.TryPassThroughLocked(link, there!.Link, frame.Ports, ref fences, out refused);
            }
        }

        if (!addressable)
        {
            // Not a port this link holds the other end of: stale after a close, or forged. Ports it carried are refused.
            RejectPorts(link, frame.Ports);
        }
        else if (!mayCarry)
        {
            link.Violation($"a transfer of port {refused:x16}, which that side does not hold");
        }
        else if (frame.Kind == FrameKind.PortClose)
        {
            this.OnPartnerClosed(link, frame, here, there);
        }
        else if (here is not null)
        {
            this.Deliver(link, here, frame);
        }
        else
        {
            WriteAll(link, fences);
            this.Forward(there!.Link, frame);
        }
    }

    /// <summary>Finds where the port <paramref name="frame"/> is for lives, and whether <paramref name="link"/> may address it.</summary>
    private bool ResolveLocked(IpcConnection link, Frame frame, out MessagePortMain? here, out Remote? there)
    {
        this.AssertLocked();
        this.local.TryGetValue(frame.PortId, out here);
        this.remote.TryGetValue(frame.PortId, out there);
        return this.MayAddressLocked(link, frame, here, there);
    }

    /// <summary>
    /// Records where the ports carried by a frame passing through will live (where the frame goes), and that their partners
    /// stay where it came from; <see langword="false"/>, with the first port <paramref name="from"/> may not hand over in
    /// <paramref name="refused"/>, when the frame must not pass.
    /// </summary>
    private bool TryPassThroughLocked(IpcConnection from, IpcConnection to, TransferredPort[] carried, ref List<Frame>? fences, out long refused)
    {
        this.AssertLocked();
        if (!this.MayCarryAllLocked(from, carried, out refused))
        {
            return false;
        }

        foreach (TransferredPort port in carried)
        {
            if (to != from && this.remote.TryGetValue(port.Id, out Remote? before) && before.Link == from)
            {
                // Handed on by the endpoint it lived behind: what this one sent it that way comes back first.
                (fences ??= new List<Frame>()).Add(this.AwaitOwnFenceLocked(port.Id, from));
            }

            this.local.Remove(port.Id);
            this.remote[port.Id] = new Remote(to, port.PartnerId);
            if (!this.local.ContainsKey(port.PartnerId) && !this.remote.ContainsKey(port.PartnerId))
            {
                this.remote[port.PartnerId] = new Remote(from, port.Id, guess: true);
            }
        }

        return true;
    }

    /// <summary>
    /// The one place a PortClose that arrived is handled: the pair's routes and holds go, then the port here learns it, or
    /// the close goes on to wherever the port lives.
    /// </summary>
    private void OnPartnerClosed(IpcConnection link, Frame close, MessagePortMain? here, Remote? there)
    {
        long portId = close.PortId;
        long partnerId = here?.PartnerId ?? there!.PartnerId;
        lock (this.gate)
        {
            this.local.Remove(portId);
            this.remote.Remove(portId);
            this.remote.Remove(partnerId);
        }

        this.EndHold(portId);
        this.ReleaseIfIdle(link);
        if (here is not null)
        {
            here.OnRemoteClosed();
        }
        else
        {
            this.Forward(there!.Link, close);
        }
    }

    /// <summary>Hands a PortMessage, PortAck or PortFence frame to the port that lives here.</summary>
    private void Deliver(IpcConnection link, MessagePortMain here, Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.PortAck:
                here.OnAck(frame.AckCount);
                return;
            case FrameKind.PortFence:
                // A fence no hold was waiting for: the partner's, for a move onto a direct link whose request has not
                // reached this end yet. The move will find the old route already drained.
                this.NoteEarlyFence(here.Id, link);
                return;
            default:
                // Under the lock that hands ports over: the message is queued before the port goes (and follows it), or
                // goes wherever the port went.
                this.DeliverToPort(here.Id, frame.Payload, this.Receive(link, frame.Ports));
                return;
        }
    }

    /// <summary>Writes a frame on the route to where its port lives.</summary>
    private void Forward(IpcConnection to, Frame frame)
    {
        try
        {
            to.Write(frame);
            if (frame.Kind == FrameKind.PortMessage)
            {
                Interlocked.Increment(ref this.forwarded);
            }

            if (frame.Ports is not null)
            {
                this.NoticeSplits(to, frame.Ports);
            }
        }
        catch (IpcDisconnectedException)
        {
            // The holder is gone; its link's end closes the partner.
        }
    }

    private static void WriteAll(IpcConnection link, List<Frame>? frames)
    {
        if (frames is null)
        {
            return;
        }

        foreach (Frame frame in frames)
        {
            TryWrite(link, frame);
        }
    }

    /// <summary>
    /// Takes the send gates of the ports here whose partners arrive with <paramref name="carried"/>: their senders read a
    /// route and write on it under that gate, so none is between the two while the route changes and the old one is fenced.
    /// </summary>
    private MessagePortMain[] EnterSendGatesOfPartners(TransferredPort[]? carried)
    {
        if (carried is null || carried.Length == 0)
        {
            return Array.Empty<MessagePortMain>();
        }

        var partners = new List<MessagePortMain>();
        lock (this.gate)
        {
            foreach (TransferredPort port in carried)
            {
                if (this.local.TryGetValue(port.PartnerId, out MessagePortMain? partner))
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
}
