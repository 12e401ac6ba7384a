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
}
