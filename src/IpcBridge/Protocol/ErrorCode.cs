namespace IpcBridge.Protocol;

/// <summary>Why a call failed; carried in an <see cref="ErrorPayload"/> so the caller can throw the right exception.</summary>
internal enum ErrorCode
{
    /// <summary>The handler threw.</summary>
    HandlerFailed = 0,

    /// <summary>No handler (invoke) or no listener (sync send) for the channel.</summary>
    NoHandler = 1,

    /// <summary>The receiver's allowlist refused the channel.</summary>
    AccessDenied = 2,

    /// <summary>The arguments or the result could not be (de)serialized.</summary>
    Serialization = 3,

    /// <summary>The receiver's bounded inbound queue had no room for the call; the caller gets <see cref="IpcQueueFullException"/>.</summary>
    LimitExceeded = 4,

    /// <summary>The handler gave up because the call was cancelled at its side.</summary>
    Cancelled = 5,
}
