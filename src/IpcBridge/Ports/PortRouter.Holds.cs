using System;
using System.Collections.Generic;
using IpcBridge.Protocol;

namespace IpcBridge.Ports;

/// <content>
/// Contains the <see cref="Hold"/> nested type: the one mechanism that keeps a port's frames in order when its route
/// changes. A route changes in two ways, and both come down to "what went the old way must arrive before anything newer":
/// <list type="bullet">
/// <item>A port is handed on through this endpoint. Frames this endpoint already sent towards the old holder are still on
/// their way there; the old holder passes them back, since it routes frames for a port it gave away along that port's
/// new route, which leads back here. So when a port comes (or passes) from the link it lived behind, this endpoint
/// writes a <see cref="FrameKind.PortFence"/> on that link and awaits that fence back the same way
/// (<see cref="AwaitOwnFenceLocked"/>).</item>
/// <item>A pair moves onto a direct link (<see cref="BeginMove"/>). Each end sends from then on over the direct link and
/// writes a fence on the old route; the fence an end awaits is its partner's, coming over the old route.</item>
/// </list>
/// While a fence is due, the port's hold lets through what comes over the old route (past the holder check, which the old
/// route no longer passes), and holds everything else for the port: frames from other links, what local senders post
/// to it, frames for ports announced by a held frame. When the last due fence is in, what was held goes on in the order
/// it came. Frames that come over a direct link before main's request to use it are held the same way until the request
/// arrives; a partner's fence that came before it was awaited is remembered.
/// <para>
/// A port handed on twice within one round trip (here, on, and back here over another link before the first fence is
/// back) gives the hold a second old route. What the second route passes back was sent before what the first one still
/// passes back from then on, so the first route's frames wait behind the second until it is drained: the routes drain
/// newest first (<see cref="Hold.MustWaitBehind"/>). Fences carry only a port id; a hold tells them apart by link and,
/// per link, by order, which is exact because a link delivers in the order sent and an endpoint passes back a fence
/// before it can get the port again over the same link. A fence for a port that lives behind the link it came over is
/// that side's own, on its way back to it, and is always returned (a port handed back and forth between two endpoints).
/// </para>
/// </content>
internal sealed partial class PortRouter
{
    /// <summary>The most frames or sends one port may hold while waiting for a fence or main's move request.</summary>
    private const int MaxHeld = 1_000_000;

    /// <summary>Holds by the id of the port whose frames they hold. Lock <see cref="gate"/>.</summary>
    private readonly Dictionary<long, Hold> holds = new();

    /// <summary>Ports announced by a held frame, by port id: frames for them wait in the same hold. Lock <see cref="gate"/>.</summary>
    private readonly Dictionary<long, Hold> heldWith = new();

    /// <summary>Gets a value indicating whether frames for <paramref name="portId"/> are being held (for tests).</summary>
    internal bool IsHolding(long portId)
    {
        lock (this.gate)
        {
            return this.HoldsFramesForLocked(portId);
        }
    }

    /// <summary>Gets a value indicating whether the partner's fence for local port <paramref name="portId"/> came before this end began its move (for tests).</summary>
    internal bool HasEarlyFence(long portId)
    {
        lock (this.gate)
        {
            return this.holds.TryGetValue(portId, out Hold? hold) && hold.EarlyFences.Count > 0;
        }
    }

    /// <summary>
    /// The hold check every port frame that arrives passes, once: a fence that was due is consumed, a frame that must wait
    /// is held, anything else goes on.
    /// </summary>
    /// <returns><see langword="true"/> when the frame was taken (held, or a due fence).</returns>
    private bool TryHold(IpcConnection link, Frame frame)
    {
        Hold? drained;
        lock (this.gate)
        {
            Hold? hold = this.HoldForEarlyFrameLocked(link, frame.PortId) ?? this.ActiveHoldLocked(frame.PortId);
            if (hold is null)
            {
                return false;
            }

            DueFence? due = hold.PortId == frame.PortId ? hold.DueFrom(link) : null;
            if (due is not null && hold.MustWaitBehind(due))
            {
                // A newer old route over another link is still draining: what it passes back was sent before this.
                this.WaitBehindLocked(due, link, frame);
                return true;
            }

            if (due is not null && frame.Kind == FrameKind.PortFence)
            {
                due.FenceCame = true;
                drained = hold;
            }
            else if (due is not null || (frame.Kind == FrameKind.PortAck && !hold.AwaitingRoute))
            {
                // What an old route passes back goes on now; credit keeps no order with messages.
                return false;
            }
            else
            {
                this.HoldFrameLocked(hold, link, frame);
                return true;
            }
        }

        // Outside the lock: what waited behind the drained route, or in the hold, runs now, and takes the lock itself.
        this.Release(drained);
        return true;
    }

    /// <summary>Gets the hold that frames for <paramref name="target"/> must wait in, if any.</summary>
    private Hold? ActiveHoldLocked(long target)
    {
        this.AssertLocked();
        if (this.holds.TryGetValue(target, out Hold? hold) && hold.IsActive)
        {
            return hold;
        }

        return this.heldWith.TryGetValue(target, out hold) && hold.IsActive ? hold : null;
    }

    /// <summary>Gets a value indicating whether frames for <paramref name="portId"/> itself are being held.</summary>
    private bool HoldsFramesForLocked(long portId)
    {
        this.AssertLocked();
        return this.holds.TryGetValue(portId, out Hold? hold) && hold.IsActive;
    }

    /// <summary>Gets a value indicating whether <paramref name="link"/> is an old route of <paramref name="target"/> still passing back what was sent along it.</summary>
    private bool IsOldRouteLocked(long target, IpcConnection link)
    {
        this.AssertLocked();
        return this.holds.TryGetValue(target, out Hold? hold) && hold.Due.Exists(due => due.Link == link);
    }

    /// <summary>
    /// A frame for a local port came over a direct link before main's request to send the pair's traffic there: the
    /// partner has moved, and its fence is on the old route. The frame waits for both.
    /// </summary>
    /// <returns>The port's hold, or <see langword="null"/> when the frame is not such a frame.</returns>
    private Hold? HoldForEarlyFrameLocked(IpcConnection link, long portId)
    {
        this.AssertLocked();
        if (!link.IsPeerLink || !this.local.TryGetValue(portId, out MessagePortMain? port))
        {
            return null;
        }

        this.remote.TryGetValue(port.PartnerId, out Remote? route);
        if (route?.Link == link)
        {
            return null;
        }

        Hold hold = this.HoldForLocked(portId);
        if (!hold.AwaitingRoute)
        {
            hold.AwaitingRoute = true;
            if (route is not null)
            {
                this.AwaitFenceLocked(hold, route.Link, mayHaveCome: true);
            }
        }

        return hold;
    }

    /// <summary>
    /// Port <paramref name="portId"/> lived behind <paramref name="oldLink"/> and now lives elsewhere: what was sent to it
    /// that way must come back before anything newer goes on. The caller writes the returned fence after the lock, while
    /// still holding the send gate of the port's partner if that lives here.
    /// </summary>
    private Frame AwaitOwnFenceLocked(long portId, IpcConnection oldLink)
    {
        this.AssertLocked();
        this.AwaitFenceLocked(this.HoldForLocked(portId), oldLink, mayHaveCome: false);
        return Frame.PortFence(portId);
    }

    /// <summary>Holds the port's frames until a fence comes over <paramref name="oldLink"/>, unless <paramref name="mayHaveCome"/> and it already has.</summary>
    private void AwaitFenceLocked(Hold hold, IpcConnection oldLink, bool mayHaveCome)
    {
        this.AssertLocked();
        if (mayHaveCome && hold.EarlyFences.Remove(oldLink))
        {
            return;
        }

        hold.Due.Add(new DueFence(oldLink));
    }

    /// <summary>A fence reached local port <paramref name="portId"/> before anything awaited it: remember it for the move that will.</summary>
    private void NoteEarlyFence(long portId, IpcConnection link)
    {
        lock (this.gate)
        {
            this.HoldForLocked(portId).EarlyFences.Add(link);
        }
    }

    /// <summary>
    /// Local port <paramref name="portId"/> now sends over a direct link: frames that come over it wait until the partner's
    /// fence has come over <paramref name="oldLink"/>, unless it already has.
    /// </summary>
    /// <returns>The port's hold, when it has nothing left to wait for; the caller releases it after the lock.</returns>
    private Hold? AwaitPartnersFenceLocked(long portId, IpcConnection oldLink)
    {
        this.AssertLocked();
        Hold hold = this.HoldForLocked(portId);
        if (hold.AwaitingRoute)
        {
            // The first frame over the direct link already awaited the old route's fence.
            hold.AwaitingRoute = false;
        }
        else
        {
            this.AwaitFenceLocked(hold, oldLink, mayHaveCome: true);
        }

        return hold.IsSettled ? hold : null;
    }

    /// <summary>Main's request came for a port that is no longer here: frames held for it need not wait for the request any more.</summary>
    /// <returns>The port's hold, when it has nothing left to wait for; the caller releases it after the lock.</returns>
    private Hold? StopAwaitingRouteLocked(long portId)
    {
        this.AssertLocked();
        if (!this.holds.TryGetValue(portId, out Hold? hold) || !hold.AwaitingRoute)
        {
            return null;
        }

        hold.AwaitingRoute = false;
        return hold.IsSettled ? hold : null;
    }

    /// <summary>Holds <paramref name="work"/> when frames for <paramref name="target"/> must wait.</summary>
    /// <returns><see langword="true"/> when held; it runs, in order, once the hold is settled, and must not check for a hold again.</returns>
    private bool TryHoldLocked(long target, Action work)
    {
        this.AssertLocked();
        Hold? hold = this.ActiveHoldLocked(target);
        if (hold is null)
        {
            return false;
        }

        this.HoldWorkLocked(hold, target, work);
        return true;
    }

    private void HoldFrameLocked(Hold hold, IpcConnection link, Frame frame)
    {
        this.AssertLocked();

        // A port this frame announces is unknown here until the frame is routed, so frames for it wait too.
        if (frame.Ports is not null)
        {
            foreach (TransferredPort carried in frame.Ports)
            {
                this.heldWith[carried.Id] = hold;
                hold.Carried.Add(carried.Id);
            }
        }

        this.HoldWorkLocked(hold, frame.PortId, () => this.HandlePortFrameNow(link, frame));
    }

    /// <summary>A frame came over an old route that a newer one has since joined: it waits until the newer routes are drained.</summary>
    private void WaitBehindLocked(DueFence due, IpcConnection link, Frame frame)
    {
        this.AssertLocked();
        if (frame.Kind == FrameKind.PortFence)
        {
            // Nothing more comes this way: once what came before the fence has gone on, the route is drained.
            due.FenceCame = true;
        }
        else if (due.Behind.Count >= MaxHeld)
        {
            Diagnostics.Log.PortFrameDropped(this.Logger, frame.PortId);
        }
        else
        {
            due.Behind.Enqueue(() => this.HandlePortFrameNow(link, frame));
        }
    }

    /// <summary>Queues work in a hold, up to the bound a fence that never comes can make this endpoint keep.</summary>
    private void HoldWorkLocked(Hold hold, long target, Action work)
    {
        this.AssertLocked();
        if (hold.Waiting.Count >= MaxHeld)
        {
            Diagnostics.Log.PortFrameDropped(this.Logger, target);
            return;
        }

        hold.Waiting.Enqueue(work);
    }

    private Hold HoldForLocked(long portId)
    {
        this.AssertLocked();
        if (!this.holds.TryGetValue(portId, out Hold? hold))
        {
            hold = new Hold(portId);
            this.holds[portId] = hold;
        }

        return hold;
    }

    /// <summary>The port was closed: nothing it waited for matters any more, and what it held goes on (and finds it gone).</summary>
    private void EndHold(long portId)
    {
        Hold? hold;
        lock (this.gate)
        {
            if (!this.holds.TryGetValue(portId, out hold))
            {
                return;
            }

            hold.Due.ForEach(due => due.FenceCame = true);
            hold.EarlyFences.Clear();
            hold.AwaitingRoute = false;
        }

        this.Release(hold);
    }

    /// <summary>The link of an old route is gone, and with it whatever it had still to pass back: stop waiting for it.</summary>
    private void EndHoldsThrough(IpcConnection link)
    {
        var drained = new List<Hold>();
        lock (this.gate)
        {
            foreach (Hold hold in this.holds.Values)
            {
                hold.EarlyFences.RemoveAll(l => l == link);
                foreach (DueFence due in hold.Due)
                {
                    if (due.Link == link && !due.FenceCame)
                    {
                        // What came that way before it closed still goes on, in its turn.
                        due.FenceCame = true;
                        if (!drained.Contains(hold))
                        {
                            drained.Add(hold);
                        }
                    }
                }
            }
        }

        foreach (Hold hold in drained)
        {
            this.Release(hold);
        }
    }

    /// <summary>
    /// Runs what waited behind old routes that are drained now, newest route first; then, once nothing is awaited any
    /// more, what waited in the hold, in the order it came; then lets the port and a partner here talk directly again.
    /// </summary>
    /// <remarks>Runs on the endpoint's dispatch loop, like every port frame; a nested call for the same hold leaves the work to the outer one.</remarks>
    private void Release(Hold? hold)
    {
        if (hold is null)
        {
            return;
        }

        lock (this.gate)
        {
            if (hold.Releasing)
            {
                return;
            }

            hold.Releasing = true;
        }

        while (this.TakeReleasedWork(hold) is { } work)
        {
            work();
        }

        this.EntangleIfBothHere(hold.PortId);
    }

    /// <summary>Takes the next piece of work a releasing hold lets go, or ends the release.</summary>
    private Action? TakeReleasedWork(Hold hold)
    {
        lock (this.gate)
        {
            while (hold.Due.Count > 0)
            {
                DueFence newest = hold.Due[hold.Due.Count - 1];
                if (newest.Behind.Count > 0)
                {
                    // Still listed as due, so what it passes back passes the holder check.
                    return newest.Behind.Dequeue();
                }

                if (!newest.FenceCame)
                {
                    break;
                }

                hold.Due.RemoveAt(hold.Due.Count - 1);
            }

            if (!hold.IsSettled)
            {
                // An old route has yet to drain (or a new one was added meanwhile): the rest waits for its fence.
                hold.Releasing = false;
                return null;
            }

            // The hold stays in place until its queue is empty: what a sender posts meanwhile queues behind the rest.
            if (hold.Waiting.Count > 0)
            {
                return hold.Waiting.Dequeue();
            }

            hold.Releasing = false;
            this.ForgetHoldLocked(hold);
            return null;
        }
    }

    private void ForgetHoldLocked(Hold hold)
    {
        this.AssertLocked();
        if (hold.EarlyFences.Count == 0 && this.holds.TryGetValue(hold.PortId, out Hold? current) && current == hold)
        {
            this.holds.Remove(hold.PortId);
        }

        foreach (long carried in hold.Carried)
        {
            if (this.heldWith.TryGetValue(carried, out Hold? holder) && holder == hold)
            {
                this.heldWith.Remove(carried);
            }
        }

        hold.Carried.Clear();
    }

    /// <summary>What holds one port's frames, and what it waits for. Lock <see cref="gate"/> for all access.</summary>
    private sealed class Hold
    {
        public Hold(long portId) => this.PortId = portId;

        public long PortId { get; }

        /// <summary>Gets the old routes still draining, oldest first (one entry per fence awaited).</summary>
        public List<DueFence> Due { get; } = new();

        /// <summary>Gets the links over which a fence for the port came before anything awaited it.</summary>
        public List<IpcConnection> EarlyFences { get; } = new();

        /// <summary>Gets or sets a value indicating whether frames came over a direct link before main's request to use it.</summary>
        public bool AwaitingRoute { get; set; }

        /// <summary>Gets or sets a value indicating whether <see cref="Release"/> is running what waited.</summary>
        public bool Releasing { get; set; }

        /// <summary>Gets what waits, in arrival order.</summary>
        public Queue<Action> Waiting { get; } = new();

        /// <summary>Gets the ports announced by held frames.</summary>
        public List<long> Carried { get; } = new();

        /// <summary>Gets a value indicating whether nothing is awaited any more.</summary>
        public bool IsSettled => this.Due.Count == 0 && !this.AwaitingRoute;

        /// <summary>Gets a value indicating whether frames for the port must wait: something is awaited, or what waited is still going on.</summary>
        public bool IsActive => !this.IsSettled || this.Waiting.Count > 0 || this.Releasing;

        /// <summary>
        /// Gets a value indicating whether what comes over <paramref name="due"/> must wait: a newer old route over another
        /// link is still draining (what that one passes back was sent earlier), or something already waits.
        /// </summary>
        public bool MustWaitBehind(DueFence due)
        {
            for (int i = this.Due.IndexOf(due); i < this.Due.Count; i++)
            {
                if (this.Due[i].Link != due.Link || this.Due[i].Behind.Count > 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Gets the oldest route over <paramref name="link"/> whose fence has not come, or <see langword="null"/>.</summary>
        /// <remarks>A link's frames arrive in the order sent, so what comes over it belongs to the oldest fence it still owes.</remarks>
        public DueFence? DueFrom(IpcConnection link)
        {
            foreach (DueFence due in this.Due)
            {
                if (due.Link == link && !due.FenceCame)
                {
                    return due;
                }
            }

            return null;
        }
    }

    /// <summary>An old route whose fence a hold awaits. Lock <see cref="gate"/> for all access.</summary>
    private sealed class DueFence
    {
        public DueFence(IpcConnection link) => this.Link = link;

        public IpcConnection Link { get; }

        /// <summary>Gets or sets a value indicating whether the fence came (or the link closed); the route is drained once what waits behind it has gone on.</summary>
        public bool FenceCame { get; set; }

        /// <summary>Gets what came over this route while a newer one was still draining, in arrival order.</summary>
        public Queue<Action> Behind { get; } = new();
    }
}
