namespace IpcBridge;

/// <summary>What happens when a bounded queue (a port's, or an endpoint link's) is full. Mirrors <c>BoundedChannelFullMode</c>.</summary>
public enum QueueFullMode
{
    /// <summary>The sender waits for room: <see cref="MessagePortMain.PostMessage"/> blocks, <see cref="MessagePortMain.PostMessageAsync"/> awaits.</summary>
    Wait = 0,

    /// <summary>The oldest message still queued at the receiver is dropped to make room.</summary>
    DropOldest = 1,

    /// <summary>The message being posted is dropped.</summary>
    DropNewest = 2,

    /// <summary>Posting throws <see cref="IpcQueueFullException"/>.</summary>
    Fail = 3,
}
