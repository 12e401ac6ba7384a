namespace IpcBridge.Protocol;

/// <summary>What a frame asks of its receiver. The numeric values are part of the wire format (docs/protocol.md).</summary>
internal enum FrameKind : byte
{
    /// <summary>One-way message on a channel (renderer to main, or main to renderer).</summary>
    Send = 1,

    /// <summary>A message whose sender blocks until a listener sets the return value; answered by Result or Error.</summary>
    SendSync = 2,

    /// <summary>A request for a handler's result; answered by Result or Error.</summary>
    Invoke = 3,

    /// <summary>The successful answer to SendSync or Invoke; the payload is one JSON value.</summary>
    Result = 4,

    /// <summary>The failed answer to SendSync or Invoke; the payload is an <see cref="ErrorPayload"/>.</summary>
    Error = 5,

    /// <summary>The caller no longer wants the answer to the call with this id.</summary>
    Cancel = 6,

    /// <summary>A message for the port named by <see cref="Frame.PortId"/>.</summary>
    PortMessage = 7,

    /// <summary>The partner of the port named by <see cref="Frame.PortId"/> was closed.</summary>
    PortClose = 8,

    /// <summary>The partner of the port named by <see cref="Frame.PortId"/> handled <see cref="Frame.CallId"/> more messages (credit for bounded ports).</summary>
    PortAck = 9,

    /// <summary>The sender is closing the link; <see cref="Frame.CallId"/> carries its <see cref="DisconnectReason"/>. Nothing follows it.</summary>
    Goodbye = 10,

    /// <summary>Main asks an endpoint to listen for a direct peer link (a call; the result is the address).</summary>
    PeerListen = 11,

    /// <summary>Main asks an endpoint to connect a direct peer link to another endpoint's address (a call).</summary>
    PeerConnect = 12,

    /// <summary>Main asks an endpoint to send a port's traffic over a peer link from now on (a call; the result says whether the port was still there).</summary>
    PortMove = 13,

    /// <summary>Marks the last frame for the port named by <see cref="Frame.PortId"/> on its old route; what came over the new route may follow.</summary>
    PortFence = 14,

    /// <summary>A request for a handler's stream of items; <see cref="Frame.PortId"/> carries the caller's initial credit. Answered by StreamItem frames, then Result (the end) or Error.</summary>
    InvokeStream = 15,

    /// <summary>One item of the stream answering call <see cref="Frame.CallId"/>; the payload is one JSON value.</summary>
    StreamItem = 16,

    /// <summary>The caller of stream <see cref="Frame.CallId"/> consumed <see cref="Frame.PortId"/> more items: the producer may send that many more.</summary>
    StreamCredit = 17,

    /// <summary>
    /// Sent once by a renderer or work endpoint after its preload returned: it is ready for anything main sends. An empty
    /// payload means the preload completed; otherwise the payload is an <see cref="ErrorPayload"/> describing how the
    /// preload failed, and the endpoint closes the link.
    /// </summary>
    Ready = 18,
}
