namespace IpcBridge;

/// <summary>
/// What happens when a bounded queue is full: a port pair's (<see cref="MessageChannelMain(QueueLimit)"/>) or an
/// endpoint's inbound queue (<see cref="IpcBridgeOptions.InboundQueueLimit"/>). Mirrors <c>BoundedChannelFullMode</c>.
/// </summary>
/// <remarks>
/// A port's sender learns of the receiver's room through acknowledgements, so it can wait or throw. An endpoint's inbound
/// queue is enforced where frames arrive, after a one-way sender (perhaps in another process) has already returned:
/// there, a one-way message that does not fit is dropped and logged, and a call that does not fit is never dropped but
/// fails at its caller with <see cref="IpcQueueFullException"/>.
/// </remarks>
public enum QueueFullMode
{
    /// <summary>
    /// The sender waits for room: <see cref="MessagePortMain.PostMessage"/> blocks, <see cref="MessagePortMain.PostMessageAsync"/>
    /// awaits; for an endpoint's inbound queue, whatever delivers frames to it (the sending thread in one process, the
    /// link's reader across processes) waits.
    /// </summary>
    Wait = 0,

    /// <summary>
    /// The oldest message still queued at the receiver is dropped to make room. An endpoint's inbound queue drops only
    /// one-way messages: when only calls are waiting, the newcomer is refused as under <see cref="Fail"/>.
    /// </summary>
    DropOldest = 1,

    /// <summary>
    /// The message being posted is dropped (counted in <see cref="MessagePortMain.DroppedCount"/> for a port). An
    /// endpoint's inbound queue answers a call that does not fit with <see cref="IpcQueueFullException"/> instead.
    /// </summary>
    DropNewest = 2,

    /// <summary>
    /// <see cref="MessagePortMain.PostMessage"/> and <see cref="MessagePortMain.PostMessageAsync"/> throw
    /// <see cref="IpcQueueFullException"/> and send nothing. For an endpoint's inbound queue a call that does not fit fails
    /// at the caller with <see cref="IpcQueueFullException"/>; a one-way message cannot fail at a sender that has already
    /// returned, so it is dropped and logged, as under <see cref="DropNewest"/>.
    /// </summary>
    Fail = 3,
}
