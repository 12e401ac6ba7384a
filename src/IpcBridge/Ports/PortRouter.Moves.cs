using System.Collections.Generic;
using System.Threading;
using IpcBridge.Protocol;

namespace IpcBridge.Ports;

/// <content>
/// Moving a port pair's traffic from the route through main onto a direct peer link, without loss or reordering.
/// When main asks (PortMove), an end sends from then on over the peer link and puts a fence on the old route. Frames
/// that reach an end over the peer link wait until the other end's fence has arrived over the old route, so everything
/// sent before the switch is delivered first. Frames that come over the peer link before main's request wait too.
/// </content>
internal sealed partial class PortRouter
{
    /// <summary>The most frames one port may hold back while waiting for main's move request or a fence.</summary>
    private const int MaxHeldBack = 1_000_000;

    private readonly Dictionary<long, MoveState> moving = new();
    private readonly Dictionary<long, List<(IpcConnection Link, Frame Frame)>> early = new();
    private readonly Dictionary<long, IpcConnection> relays = new();

    /// <summary>Fences that came over a local port's route before main's move request had been acted on here.</summary>
    private readonly Dictionary<long, IpcConnection> fencedEarly = new();
    private long forwarded;

    /// <summary>Gets or sets main's broker; renderers have none.</summary>
    public IPortBroker? Broker { get; set; }

    /// <summary>Gets how many port messages this endpoint forwarded between two links (for diagnostics and tests).</summary>
    public long ForwardedFrames => Interlocked.Read(ref this.forwarded);

    /// <summary>
    /// Main asked to send the traffic of local port <paramref name="portId"/> over <paramref name="peer"/>. Runs on the
    /// endpoint's dispatch loop, like every port frame, so nothing is delivered concurrently with it.
    /// </summary>
    /// <returns><see langword="false"/> when the port is no longer here (moved on or closed); frames for it that arrive over the peer link are then relayed along its route.</returns>
    public bool BeginMove(long portId, IpcConnection peer)
    {
        MessagePortMain? found;
        lock (this.gate)
        {
            this.local.TryGetValue(portId, out found);
        }

        // Senders on this port read the route and write under its send gate: none is between the two while the route
        // changes and the old one is fenced.
        List<Frame>? release;
        lock (found?.SendGate ?? this.gate)
        {
            if (!this.TryBeginMove(portId, peer, out release))
            {
                return false;
            }
        }

        if (release is not null)
        {
            foreach (Frame frame in release)
            {
                this.HandlePortFrame(peer, frame);
            }
        }

        return true;
    }

    private bool TryBeginMove(long portId, IpcConnection peer, out List<Frame>? release)
    {
        IpcConnection oldLink;
        long partnerId;
        release = null;
        lock (this.gate)
        {
            if (!this.local.TryGetValue(portId, out MessagePortMain? port) || !this.remote.TryGetValue(port.PartnerId, out Remote? route) || route.Link == peer)
            {
                if (this.remote.ContainsKey(portId))
                {
                    this.relays[portId] = peer;
                }

                return false;
            }

            oldLink = route.Link;
            partnerId = port.PartnerId;
            this.remote[partnerId] = new Remote(peer, portId);
            var state = new MoveState(oldLink, peer);
            if (this.early.TryGetValue(portId, out List<(IpcConnection Link, Frame Frame)>? held))
            {
                this.early.Remove(portId);
                foreach ((IpcConnection link, Frame frame) in held)
                {
                    if (link == peer)
                    {
                        state.HeldBack.Add(frame);
                    }
                }
            }

            if (this.fencedEarly.TryGetValue(portId, out IpcConnection? fencedVia) && fencedVia == oldLink)
            {
                // The partner's fence came over the old route while this end was still opening its side of the link:
                // the old route is already drained, so what waited on the direct link goes now.
                this.fencedEarly.Remove(portId);
                release = state.HeldBack;
            }
            else
            {
                this.moving[portId] = state;
            }
        }

        TryWrite(oldLink, new Frame(FrameKind.PortFence, 0, string.Empty, System.ReadOnlyMemory<byte>.Empty, null, partnerId));
        return true;
    }

    /// <summary>Gets a value indicating whether the partner's fence for local port <paramref name="portId"/> came before this end began its move (for tests).</summary>
    internal bool HasEarlyFence(long portId)
    {
        lock (this.gate)
        {
            return this.fencedEarly.ContainsKey(portId);
        }
    }

    /// <summary>Main learned an end had moved on before the direct link: frames for it from that end's link are relays, and are accepted.</summary>
    public void AllowRelay(long portId, IpcConnection link)
    {
        lock (this.gate)
        {
            this.relays[portId] = link;
        }
    }

    private bool IsRelayLocked(long target, IpcConnection link) => this.relays.TryGetValue(target, out IpcConnection? relay) && relay == link;

    /// <summary>Handles frames that a move in progress affects.</summary>
    /// <returns><see langword="true"/> when the frame was handled (held back, or delivered past the holder check).</returns>
    private bool TryHandleDuringMove(IpcConnection link, Frame frame)
    {
        List<Frame>? release = null;
        IpcConnection? releaseFrom = null;
        MessagePortMain? oldRouteTarget = null;
        lock (this.gate)
        {
            if (this.moving.TryGetValue(frame.PortId, out MoveState? state))
            {
                if (link == state.NewLink)
                {
                    this.HoldBackLocked(state.HeldBack, frame);
                    return true;
                }

                if (link != state.OldLink)
                {
                    return false;
                }

                if (frame.Kind == FrameKind.PortFence)
                {
                    this.moving.Remove(frame.PortId);
                    release = state.HeldBack;
                    releaseFrom = state.NewLink;
                }
                else if (this.local.TryGetValue(frame.PortId, out MessagePortMain? port))
                {
                    // Still draining the old route: its sender was checked when the route was set up.
                    oldRouteTarget = port;
                }
                else
                {
                    return false;
                }
            }
            else if (link.IsPeerLink && this.local.TryGetValue(frame.PortId, out MessagePortMain? port)
                && (!this.remote.TryGetValue(port.PartnerId, out Remote? route) || route.Link != link))
            {
                // Over the direct link before main's move request reached us: wait for it.
                if (!this.early.TryGetValue(frame.PortId, out List<(IpcConnection Link, Frame Frame)>? held))
                {
                    held = new List<(IpcConnection Link, Frame Frame)>();
                    this.early[frame.PortId] = held;
                }

                if (held.Count >= MaxHeldBack)
                {
                    Diagnostics.Log.PortFrameDropped(this.Logger, frame.PortId);
                    return true;
                }

                held.Add((link, frame));
                return true;
            }
            else
            {
                return false;
            }
        }

        if (oldRouteTarget is not null)
        {
            this.DeliverLocal(oldRouteTarget, link, frame);
            return true;
        }

        // The old route is drained: what waited on the direct link goes now, in the order it came.
        foreach (Frame held in release!)
        {
            this.HandlePortFrame(releaseFrom!, held);
        }

        return true;
    }

    private void HoldBackLocked(List<Frame> heldBack, Frame frame)
    {
        if (heldBack.Count >= MaxHeldBack)
        {
            Diagnostics.Log.PortFrameDropped(this.Logger, frame.PortId);
            return;
        }

        heldBack.Add(frame);
    }

    private void DeliverLocal(MessagePortMain here, IpcConnection link, Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.PortClose:
                lock (this.gate)
                {
                    this.local.Remove(here.Id);
                    this.remote.Remove(here.PartnerId);
                    this.moving.Remove(here.Id);
                    this.fencedEarly.Remove(here.Id);
                }

                here.OnRemoteClosed();
                this.ReleaseIfIdle(link);
                break;
            case FrameKind.PortAck:
                here.OnAck((int)System.Math.Min(frame.CallId, int.MaxValue));
                break;
            case FrameKind.PortMessage:
                here.Enqueue(frame.Payload, this.Receive(link, frame.Ports));
                break;
        }
    }

    /// <summary>Tells main's broker about pairs whose ends just went behind different links.</summary>
    private void NoticeSplits(IpcConnection link, long[] ids)
    {
        IPortBroker? broker = this.Broker;
        if (broker is null)
        {
            return;
        }

        var splits = new List<(long Port, long Partner, IpcConnection PartnerLink)>();
        lock (this.gate)
        {
            for (int i = 0; i + 1 < ids.Length; i += Stride)
            {
                if (this.remote.TryGetValue(ids[i + 1], out Remote? partner) && partner.Link != link)
                {
                    splits.Add((ids[i], ids[i + 1], partner.Link));
                }
            }
        }

        foreach ((long port, long partner, IpcConnection partnerLink) in splits)
        {
            broker.PairSplit(port, link, partner, partnerLink);
        }
    }

    private sealed class MoveState
    {
        public MoveState(IpcConnection oldLink, IpcConnection newLink)
        {
            this.OldLink = oldLink;
            this.NewLink = newLink;
        }

        public IpcConnection OldLink { get; }

        public IpcConnection NewLink { get; }

        public List<Frame> HeldBack { get; } = new();
    }
}
