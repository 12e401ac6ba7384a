using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Serialization;
using IpcBridge.Transport;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Protocol;

/// <summary>
/// One end of a link between two endpoints: numbers calls, pairs answers with callers, queues requests on the
/// endpoint's dispatcher, and fails everything pending when the link ends. Transport-agnostic.
/// </summary>
internal sealed class IpcConnection : IFrameReceiver
{
    private readonly IFrameTransport transport;
    private readonly FrameDispatcher dispatcher;
    private readonly IFrameHandler handler;
    private readonly ILogger logger;
    private readonly int maxPendingCalls;
    private readonly ConcurrentDictionary<long, PendingCall> pending = new();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> inbound = new();
    private long lastCallId;
    private IpcDisconnectedException? closedReason;
    private int peerReason = -1;

    public IpcConnection(IFrameTransport transport, FrameDispatcher dispatcher, IFrameHandler handler, PayloadSerializer serializer, ILogger logger, int maxPendingCalls)
    {
        this.transport = transport;
        this.dispatcher = dispatcher;
        this.handler = handler;
        this.Serializer = serializer;
        this.logger = logger;
        this.maxPendingCalls = maxPendingCalls;
    }

    public PayloadSerializer Serializer { get; }

    /// <summary>Gets or sets a value indicating whether this is a direct link between two renderers, carrying port frames only.</summary>
    public bool IsPeerLink { get; set; }

    /// <summary>Gets or sets the endpoint id of the other side, for peer links.</summary>
    public int PeerEndpointId { get; set; }

    public FrameDispatcher Dispatcher => this.dispatcher;

    public bool IsClosed => Volatile.Read(ref this.closedReason) is not null;

    public IpcDisconnectedException? ClosedReason => Volatile.Read(ref this.closedReason);

    public void Start() => this.transport.Start(this);

    /// <summary>Writes a frame.</summary>
    /// <exception cref="IpcDisconnectedException">The link is closed.</exception>
    public void Write(Frame frame)
    {
        IpcDisconnectedException? closed = this.ClosedReason;
        if (closed is not null)
        {
            throw new IpcDisconnectedException(closed.Message, closed.Reason, closed);
        }

        this.transport.Write(frame);
    }

    /// <summary>Sends a call frame and returns its answer's payload.</summary>
    public Task<ReadOnlyMemory<byte>> CallAsync(FrameKind kind, string channel, ReadOnlyMemory<byte> payload, long[]? ports, CancellationToken cancellationToken, out long callId)
    {
        callId = 0;
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ReadOnlyMemory<byte>>(cancellationToken);
        }

        if (this.pending.Count >= this.maxPendingCalls)
        {
            throw new IpcException($"Too many pending calls on this link ({this.maxPendingCalls}); see IpcBridgeOptions.MaxPendingCalls.");
        }

        long id = Interlocked.Increment(ref this.lastCallId);
        callId = id;
        var call = new PendingCall(channel);
        this.pending[id] = call;
        try
        {
            this.Write(new Frame(kind, id, channel, payload, ports));
        }
        catch
        {
            this.pending.TryRemove(id, out _);
            throw;
        }

        // The link may have closed between the check in Write and adding the call: fail it now rather than never.
        IpcDisconnectedException? closed = this.ClosedReason;
        if (closed is not null && this.pending.TryRemove(id, out _))
        {
            call.Completion.TrySetException(new IpcDisconnectedException(closed.Message, closed.Reason, closed));
        }

        if (cancellationToken.CanBeCanceled)
        {
            call.Registration = cancellationToken.Register(() => this.CancelCall(id, cancellationToken));

            // Answered before the registration existed: nothing will dispose it otherwise.
            if (call.Completion.Task.IsCompleted)
            {
                call.Registration.Dispose();
            }
        }

        return call.Completion.Task;
    }

    /// <summary>Abandons a call whose caller stopped waiting (sync timeout); a late answer is ignored.</summary>
    public void Abandon(long callId)
    {
        if (this.pending.TryRemove(callId, out PendingCall? call))
        {
            call.Registration.Dispose();
            this.TryWrite(new Frame(FrameKind.Cancel, callId, string.Empty, ReadOnlyMemory<byte>.Empty));
        }
    }


    public void SendResult(long callId, ReadOnlyMemory<byte> payload)
        => this.TryWrite(new Frame(FrameKind.Result, callId, string.Empty, payload));

    public void SendError(long callId, ErrorPayload error)
    {
        byte[] body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(error, ProtocolJsonContext.Default.ErrorPayload);
        this.TryWrite(new Frame(FrameKind.Error, callId, string.Empty, body));
    }

    /// <summary>Tracks an inbound call so a Cancel frame or the end of the link can cancel its handler.</summary>
    public CancellationToken BeginInbound(long callId)
    {
        var cts = new CancellationTokenSource();
        this.inbound[callId] = cts;
        if (this.IsClosed)
        {
            cts.Cancel();
        }

        return cts.Token;
    }

    public void EndInbound(long callId)
    {
        if (this.inbound.TryRemove(callId, out CancellationTokenSource? cts))
        {
            cts.Dispose();
        }
    }

    /// <summary>Closes the link, telling the peer why first; both ends fail their pending calls.</summary>
    public void Close(IpcDisconnectedException reason)
    {
        if (!this.IsClosed)
        {
            try
            {
                this.transport.Write(new Frame(FrameKind.Goodbye, (long)reason.Reason, string.Empty, ReadOnlyMemory<byte>.Empty));
            }
            catch (IpcDisconnectedException)
            {
                // Closed meanwhile; the peer learns of it from the transport.
            }
        }

        this.transport.Close(reason);
    }

    void IFrameReceiver.OnFrame(Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Result:
            case FrameKind.Error:
                this.Complete(frame);
                break;
            case FrameKind.Send:
            case FrameKind.SendSync:
            case FrameKind.Invoke:
            case FrameKind.Cancel:
            case FrameKind.PortMessage:
            case FrameKind.PortClose:
            case FrameKind.PortAck:
            case FrameKind.PortFence:
            case FrameKind.PeerListen:
            case FrameKind.PeerConnect:
            case FrameKind.PortMove:
                if (!this.dispatcher.Enqueue(this, frame))
                {
                    Log.FrameAfterShutdown(this.logger, frame.Kind, frame.Channel);
                }

                break;
            case FrameKind.Goodbye:
                // Remembered, so that when the stream ends the peer's reason (e.g. main disposed) is reported, not a bare end of stream.
                Volatile.Write(ref this.peerReason, (int)frame.CallId);
                break;
            default:
                this.Violation($"unknown frame kind {(int)frame.Kind}");
                break;
        }
    }

    void IFrameReceiver.OnTransportClosed(IpcDisconnectedException reason)
    {
        int told = Volatile.Read(ref this.peerReason);
        if (told >= 0 && reason.Reason == DisconnectReason.RemoteClosed && told != (int)DisconnectReason.LocalClosed && Enum.IsDefined(typeof(DisconnectReason), told))
        {
            reason = new IpcDisconnectedException(reason.Message, (DisconnectReason)told, reason);
        }

        if (Interlocked.CompareExchange(ref this.closedReason, reason, null) is not null)
        {
            return;
        }

        if (reason.Reason == DisconnectReason.ProtocolViolation && reason.InnerException is IpcProtocolException violation)
        {
            Log.ProtocolViolation(this.logger, violation.Message);
        }

        foreach (long id in this.pending.Keys)
        {
            if (this.pending.TryRemove(id, out PendingCall? call))
            {
                call.Registration.Dispose();
                call.Completion.TrySetException(new IpcDisconnectedException(
                    $"The call on channel '{call.Channel}' could not complete: {reason.Message}", reason.Reason, reason));
            }
        }

        foreach (CancellationTokenSource cts in this.inbound.Values)
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The handler finished between the snapshot and the cancel; nothing to cancel.
            }
        }

        if (!this.dispatcher.Enqueue(() => this.handler.HandleClosed(this, reason)))
        {
            // The endpoint's dispatcher has shut down (the endpoint is being disposed): run the close logic now.
            this.handler.HandleClosed(this, reason);
        }
    }

    /// <summary>Runs on the dispatcher: hands a request to the endpoint logic.</summary>
    internal void Dispatch(Frame frame)
    {
        if (frame.Kind == FrameKind.Cancel)
        {
            if (this.inbound.TryGetValue(frame.CallId, out CancellationTokenSource? cts))
            {
                try
                {
                    cts.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // Completed meanwhile.
                }
            }

            return;
        }

        this.handler.HandleFrame(this, frame);
    }

    /// <summary>Disconnects a peer that broke the protocol; other links are unaffected.</summary>
    internal void Violation(string what)
    {
        this.Close(new IpcDisconnectedException($"The peer broke the protocol: {what}.", DisconnectReason.ProtocolViolation, new IpcProtocolException(what)));
    }

    private void CancelCall(long callId, CancellationToken token)
    {
        if (this.pending.TryRemove(callId, out PendingCall? call))
        {
            call.Completion.TrySetCanceled(token);
            this.TryWrite(new Frame(FrameKind.Cancel, callId, string.Empty, ReadOnlyMemory<byte>.Empty));
        }
    }

    private void TryWrite(Frame frame)
    {
        try
        {
            this.Write(frame);
        }
        catch (IpcDisconnectedException)
        {
            // The caller is gone; its pending call already failed on its side.
            Log.AnswerDropped(this.logger, frame.Kind, frame.CallId);
        }
    }

    private void Complete(Frame frame)
    {
        if (!this.pending.TryRemove(frame.CallId, out PendingCall? call))
        {
            if (frame.CallId <= 0 || frame.CallId > Volatile.Read(ref this.lastCallId))
            {
                this.Violation($"an answer to call {frame.CallId}, which was never made");
            }

            // Otherwise a late answer to a call that was cancelled or timed out: drop it.
            return;
        }

        call.Registration.Dispose();
        if (frame.Kind == FrameKind.Result)
        {
            call.Completion.TrySetResult(frame.Payload);
            return;
        }

        ErrorPayload? error;
        try
        {
            error = System.Text.Json.JsonSerializer.Deserialize(frame.Payload.Span, ProtocolJsonContext.Default.ErrorPayload);
        }
        catch (System.Text.Json.JsonException)
        {
            error = null;
        }

        if (error is null)
        {
            call.Completion.TrySetException(new IpcProtocolException($"The answer on channel '{call.Channel}' was a malformed error."));
            this.Violation("a malformed error frame");
            return;
        }

        call.Completion.TrySetException(ToException(call.Channel, error));
    }

    internal static Exception ToException(string channel, ErrorPayload error) => error.Code switch
    {
        ErrorCode.AccessDenied => new IpcAccessDeniedException(channel, error.Operation),
        ErrorCode.Serialization => new IpcSerializationException($"Serialization failed at the other end of channel '{channel}': {error.Message}"),
        ErrorCode.LimitExceeded => new IpcException($"The receiver on channel '{channel}' refused the call: {error.Message}"),
        ErrorCode.NoHandler => new IpcInvocationException(channel, error.Message),
        _ => new IpcInvocationException(channel, $"Error invoking remote method '{channel}': {error.Type}: {error.Message}", error.Type, error.Message, error.Stack),
    };

    private sealed class PendingCall
    {
        public PendingCall(string channel) => this.Channel = channel;

        public string Channel { get; }

        public TaskCompletionSource<ReadOnlyMemory<byte>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
