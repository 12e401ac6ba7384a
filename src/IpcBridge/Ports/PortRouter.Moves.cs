using System.Collections.Generic;
using IpcBridge.Protocol;

namespace IpcBridge.Ports;

/// <content>
/// Moving a port pair's traffic from the route through main onto a direct peer link, without loss or reordering.
/// When main asks (PortMove), an end sends from then on over the peer link and puts a fence on the old route. Frames
/// that reach an end over the peer link wait in the port's hold (<c>PortRouter.Holds.cs</c>) until the other end's fence
/// has arrived over the old route, so everything sent before the switch is delivered first. Frames that come over the
/// peer link before main's request wait too.
/// </content>
internal sealed partial class PortRouter
{
    /// <summary>Ports that moved on before their direct link was ready, by id: the link whose frames for them are relays. Lock <see cref="gate"/>.</summary>
    private readonly Dictionary<long, IpcConnection> relays = new();

    /// <summary>Gets or sets main's broker; renderers have none.</summary>
    public IPortBroker? Broker { get; set; }

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
        bool moved;
        Hold? settled;
        lock (found?.SendGate ?? this.gate)
        {
            moved = this.TryBeginMove(portId, peer, out settled);
        }

        // The partner's fence came over the old route before this end was ready: what waited on the direct link goes now.
        this.Release(settled);
        return moved;
    }

    /// <summary>Main learned an end had moved on before the direct link: frames for it from that end's link are relays, and are accepted.</summary>
    public void AllowRelay(long portId, IpcConnection link)
    {
        lock (this.gate)
        {
            this.relays[portId] = link;
        }
    }

    private bool TryBeginMove(long portId, IpcConnection peer, out Hold? settled)
    {
        IpcConnection oldLink;
        long partnerId;
        lock (this.gate)
        {
            if (!this.local.TryGetValue(portId, out MessagePortMain? port) || !this.remote.TryGetValue(port.PartnerId, out Remote? route) || route.Link == peer)
            {
                if (this.remote.ContainsKey(portId))
                {
                    this.relays[portId] = peer;
                }

                settled = this.StopAwaitingRouteLocked(portId);
                return false;
            }

            oldLink = route.Link;
            partnerId = port.PartnerId;
            this.remote[partnerId] = new Remote(peer, portId);
            settled = this.AwaitPartnersFenceLocked(portId, oldLink);
        }

        TryWrite(oldLink, Frame.PortFence(partnerId));
        return true;
    }

    private bool IsRelayLocked(long target, IpcConnection link)
    {
        this.AssertLocked();
        return this.relays.TryGetValue(target, out IpcConnection? relay) && relay == link;
    }

    /// <summary>Tells main's broker about pairs whose ends just went behind different links.</summary>
    private void NoticeSplits(IpcConnection link, TransferredPort[] carried)
    {
        IPortBroker? broker = this.Broker;
        if (broker is null)
        {
            return;
        }

        var splits = new List<(long Port, long Partner, IpcConnection PartnerLink)>();
        lock (this.gate)
        {
            foreach (TransferredPort port in carried)
            {
                if (this.remote.TryGetValue(port.PartnerId, out Remote? partner) && partner.Link != link)
                {
                    splits.Add((port.Id, port.PartnerId, partner.Link));
                }
            }
        }

        foreach ((long port, long partner, IpcConnection partnerLink) in splits)
        {
            broker.PairSplit(port, link, partner, partnerLink);
        }
    }
}
