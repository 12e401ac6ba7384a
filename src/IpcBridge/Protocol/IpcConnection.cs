using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Serialization;
using IpcBridge.Transport;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Protocol;

/// <summary>
/// One end of a link between two endpoints: writes frames, hands requests to the endpoint's dispatcher, and fails
/// everything pending when the link ends. Transport-agnostic. The calls it made are matched with their answers by
/// <see cref="OutboundCalls"/>, the calls it handles are tracked by <see cref="InboundCalls"/>, and a stream's flow
/// control is a <see cref="StreamCredit"/> at each end.
/// </summary>
internal sealed class IpcConnection : IFrameReceiver
{
    private readonly IFrameTransport transport;
    private readonly FrameDispatcher dispatcher;
    private readonly IFrameHandler handler;
    private readonly ILogger logger;
    private readonly OutboundCalls calls;
    private readonly InboundCalls inbound = new();
    private readonly TaskCompletionSource<ReadOnlyMemory<byte>?> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IpcDisconnectedException? closedReason;

    /// <summary>The <see cref="DisconnectReason"/> the peer gave in its Goodbye, or -1.</summary>
    private int peerReason = -1;

    public IpcConnection(IFrameTransport transport, FrameDispatcher dispatcher, IFrameHandler handler, PayloadSerializer serializer, ILogger logger, int maxPendingCalls, bool isPeerLink = false)
    {
        this.transport = transport;
        this.dispatcher = dispatcher;
        this.handler = handler;
        this.Serializer = serializer;
        this.logger = logger;
        this.calls = new OutboundCalls(maxPendingCalls);
        this.IsPeerLink = isPeerLink;
    }

    public PayloadSerializer Serializer { get; }

    /// <summary>Gets a value indicating whether this is a direct link between two renderers, carrying port frames only.</summary>
    public bool IsPeerLink { get; }

    public FrameDispatcher Dispatcher => this.dispatcher;

    /// <summary>Gets or sets the id of the renderer or work endpoint this link belongs to (for a peer link, the peer's), for traces and spans.</summary>
    public int EndpointId { get; set; }

    /// <summary>Gets or sets the opt-in frame trace (<see cref="IpcBridgeOptions.FrameTrace"/>).</summary>
    public Action<IpcFrameTrace>? FrameTrace { get; set; }

    public bool IsClosed => Volatile.Read(ref this.closedReason) is not null;

    /// <summary>
    /// Gets, on main's side of an endpoint's link, a task that completes with the endpoint's <see cref="FrameKind.Ready"/>
    /// payload (empty once its preload returned, an <see cref="ErrorPayload"/> when it threw), or with
    /// <see langword="null"/> when the link ends first (<see cref="ClosedReason"/> says why). It never faults, so a link
    /// nobody waits on leaves no unobserved exception behind.
    /// </summary>
    public Task<ReadOnlyMemory<byte>?> Ready => this.ready.Task;

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

        // Traced before the write: in one process the receiver sees the frame during it. Counted after it: counting
        // first put the counter on the path to the receiver and cost a quarter of in-process send throughput
        // (docs/benchmarks.md), and a frame the link refused is not counted as sent.
        if (this.FrameTrace is not null)
        {
            this.TraceFrame(IpcTraceDirection.Sent, frame);
        }

        this.transport.Write(frame);
        Telemetry.Count(frame, sent: true);
    }

    /// <summary>Sends a call frame and returns its answer's payload.</summary>
    public Task<ReadOnlyMemory<byte>> CallAsync(FrameKind kind, string channel, ReadOnlyMemory<byte> payload, TransferredPort[]? ports, CancellationToken cancellationToken, out long callId)
        => this.CallAsync(kind, channel, payload, ports, null, cancellationToken, out callId);

    /// <summary>
    /// Sends a call frame and returns its answer's payload. With a <paramref name="timeout"/>, the call fails with
    /// <see cref="IpcTimeoutException"/> when no answer came in time, and the handler's token is cancelled.
    /// </summary>
    public Task<ReadOnlyMemory<byte>> CallAsync(FrameKind kind, string channel, ReadOnlyMemory<byte> payload, TransferredPort[]? ports, TimeSpan? timeout, CancellationToken cancellationToken, out long callId)
    {
        callId = 0;
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ReadOnlyMemory<byte>>(cancellationToken);
        }

        var call = new PendingCall(channel);
        callId = this.Start(call, kind, channel, payload, ports, 0, timeout, cancellationToken);
        return call.Completion.Task;
    }

    /// <summary>Sends an InvokeStream frame granting <paramref name="window"/> items of credit; the answer's items arrive in the returned call.</summary>
    public StreamCall CallStream(string channel, ReadOnlyMemory<byte> payload, int window, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var call = new StreamCall(channel, window);
        call.Id = this.Start(call, FrameKind.InvokeStream, channel, payload, null, window, null, cancellationToken);
        return call;
    }

    /// <summary>Tells the producer of stream <paramref name="callId"/> that <paramref name="count"/> more items were consumed.</summary>
    public void GrantCredit(long callId, int count) => this.TryWrite(Frame.StreamCredit(callId, count));

    /// <summary>
    /// Abandons a call whose caller stopped waiting (sync timeout, a stream disposed early); a late answer is ignored.
    /// Its span ends with <paramref name="reason"/>'s outcome, or as cancelled when there is none.
    /// </summary>
    public void Abandon(long callId, Exception? reason = null)
    {
        if (this.calls.TryTake(callId, out PendingCall? call))
        {
            call.Release();
            call.Abandoned(reason);
            this.TryWrite(Frame.Cancel(callId));
        }
    }

    /// <summary>Tells main this endpoint's preload has returned (<paramref name="preloadFailure"/> is null) or threw.</summary>
    public void SendReady(Exception? preloadFailure)
    {
        ReadOnlyMemory<byte> body = preloadFailure is null
            ? ReadOnlyMemory<byte>.Empty
            : System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                new ErrorPayload { Code = ErrorCode.HandlerFailed, Message = preloadFailure.Message, Type = preloadFailure.GetType().FullName, Stack = preloadFailure.StackTrace },
                ProtocolJsonContext.Default.ErrorPayload);
        this.Write(Frame.Ready(body));
    }

    public void SendResult(long callId, ReadOnlyMemory<byte> payload) => this.TryWrite(Frame.Result(callId, payload));

    public void SendError(long callId, ErrorPayload error)
    {
        byte[] body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(error, ProtocolJsonContext.Default.ErrorPayload);
        this.TryWrite(Frame.Error(callId, body));
    }

    /// <summary>Tracks an inbound call so a Cancel frame or the end of the link can cancel its handler.</summary>
    public CancellationToken BeginInbound(long callId, string channel) => this.Track(callId, channel, null);

    /// <summary>Tracks an inbound stream call whose caller granted <paramref name="window"/> items of credit.</summary>
    public CancellationToken BeginInboundStream(long callId, string channel, int window) => this.Track(callId, channel, new StreamCredit(window));

    /// <summary>Sends one item of an inbound stream once the caller has credit for it.</summary>
    public async ValueTask SendStreamItemAsync(long callId, ReadOnlyMemory<byte> item, CancellationToken cancellationToken)
    {
        if (!this.inbound.TryGet(callId, out InboundCalls.Call? call) || call.Credit is null)
        {
            throw new InvalidOperationException($"Call {callId} is not a stream in progress.");
        }

        await call.Credit.SpendAsync(cancellationToken).ConfigureAwait(false);
        this.Write(Frame.StreamItem(callId, item));
    }

    /// <summary>Gets a value indicating whether the inbound call's token was cancelled (by the caller, its timeout, or the link ending).</summary>
    public bool IsInboundCancelled(long callId) => this.inbound.IsCancelled(callId);

    public void EndInbound(long callId) => this.inbound.End(callId);

    /// <summary>Closes the link, telling the peer why first; both ends fail their pending calls.</summary>
    public void Close(IpcDisconnectedException reason)
    {
        if (!this.IsClosed)
        {
            try
            {
                this.transport.Write(Frame.Goodbye(reason.Reason));
            }
            catch (IpcDisconnectedException)
            {
                // Closed meanwhile; the peer learns of it from the transport.
            }
        }

        this.transport.Close(reason);
    }

    /// <summary>The read loop's one entry: answers are matched here, on the transport's thread; requests go to the dispatcher.</summary>
    void IFrameReceiver.OnFrame(Frame frame)
    {
        Telemetry.Count(frame, sent: false);
        if (this.FrameTrace is not null)
        {
            this.TraceFrame(IpcTraceDirection.Received, frame);
        }

        switch (frame.Kind)
        {
            case FrameKind.Result:
            case FrameKind.Error:
                this.OnAnswer(frame);
                break;
            case FrameKind.StreamItem:
                this.OnStreamItem(frame);
                break;
            case FrameKind.StreamCredit:
                this.OnStreamCredit(frame);
                break;
            case FrameKind.Ready:
                this.OnReady(frame);
                break;
            case FrameKind.Goodbye:
                this.OnGoodbye(frame);
                break;
            case var kind when IsDispatched(kind):
                this.OnRequest(frame);
                break;
            default:
                this.Violation($"unknown frame kind {(int)frame.Kind}");
                break;
        }
    }

    void IFrameReceiver.OnTransportClosed(IpcDisconnectedException reason)
    {
        reason = this.WithPeersReason(reason);
        if (Interlocked.CompareExchange(ref this.closedReason, reason, null) is not null)
        {
            return;
        }

        if (reason.Reason == DisconnectReason.ProtocolViolation && reason.InnerException is IpcProtocolException violation)
        {
            Log.ProtocolViolation(this.logger, violation.Message);
        }

        this.calls.FailAll(reason);
        this.inbound.CancelAll();
        this.ready.TrySetResult(null);
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
            this.inbound.Cancel(frame.CallId);
            return;
        }

        this.handler.HandleFrame(this, frame);
    }

    /// <summary>Disconnects a peer that broke the protocol; other links are unaffected.</summary>
    internal void Violation(string what)
    {
        this.Close(new IpcDisconnectedException($"The peer broke the protocol: {what}.", DisconnectReason.ProtocolViolation, new IpcProtocolException(what)));
    }

    /// <summary>Gets a value indicating whether frames of <paramref name="kind"/> go through the endpoint's dispatcher, in order with user code.</summary>
    private static bool IsDispatched(FrameKind kind) => kind is FrameKind.Send or FrameKind.SendSync or FrameKind.Invoke or FrameKind.InvokeStream
        or FrameKind.Cancel or FrameKind.PortMessage or FrameKind.PortClose or FrameKind.PortAck or FrameKind.PortFence
        or FrameKind.PeerListen or FrameKind.PeerConnect or FrameKind.PortMove;

    /// <summary>Numbers and registers a call, writes its frame, and arms its cancellation and timeout.</summary>
    private long Start(PendingCall call, FrameKind kind, string channel, ReadOnlyMemory<byte> payload, TransferredPort[]? ports, int initialCredit, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        long id = this.calls.Add(call);
        call.Begin(Telemetry.StartCall(kind, channel, this.EndpointId, out ActivityContext trace));
        try
        {
            this.Write(kind == FrameKind.InvokeStream
                ? Frame.InvokeStream(id, channel, payload, initialCredit, trace)
                : Frame.Call(kind, id, channel, payload, ports, trace));
        }
        catch (Exception ex)
        {
            this.calls.TryTake(id, out _);
            call.Discard(ex);
            throw;
        }

        // The link may have closed between the check in Write and adding the call: fail it now rather than never.
        IpcDisconnectedException? closed = this.ClosedReason;
        if (closed is not null && this.calls.TryTake(id, out _))
        {
            call.Fail(new IpcDisconnectedException(closed.Message, closed.Reason, closed));
            return id;
        }

        this.Arm(call, id, timeout, cancellationToken);
        return id;
    }

    /// <summary>Ends call <paramref name="id"/> when <paramref name="cancellationToken"/> is cancelled or <paramref name="timeout"/> passes.</summary>
    private void Arm(PendingCall call, long id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        // The closures are made in methods of their own, so a call with neither a token nor a time limit allocates none.
        if (cancellationToken.CanBeCanceled)
        {
            call.Registration = this.StopOnCancel(id, cancellationToken);
        }

        if (timeout is { } limit && limit != Timeout.InfiniteTimeSpan)
        {
            call.Timer = this.StopAfter(id, limit);
        }

        // Answered before the registration or the timer existed: nothing would release them otherwise.
        if (!this.calls.Contains(id))
        {
            call.Release();
        }
    }

    private CancellationTokenRegistration StopOnCancel(long id, CancellationToken cancellationToken)
        => cancellationToken.Register(() => this.Stop(id, c => c.Cancel(cancellationToken)));

    private Timer StopAfter(long id, TimeSpan limit)
        => new(_ => this.Stop(id, c => c.Fail(new IpcTimeoutException(c.Channel, limit))), null, limit, Timeout.InfiniteTimeSpan);

    /// <summary>Ends a call at the caller's side (cancelled, timed out) and tells the handler to stop.</summary>
    private void Stop(long callId, Action<PendingCall> end)
    {
        if (this.calls.TryTake(callId, out PendingCall? call))
        {
            call.Release();
            end(call);
            this.TryWrite(Frame.Cancel(callId));
        }
    }

    private CancellationToken Track(long callId, string channel, StreamCredit? credit)
    {
        InboundCalls.Call call = this.inbound.Begin(callId, channel, credit);
        if (this.IsClosed)
        {
            call.Cancel();
        }

        return call.Cancellation.Token;
    }

    private void TraceFrame(IpcTraceDirection direction, Frame frame)
    {
        string channel = frame.Channel;
        TimeSpan? latency = null;
        bool answer = frame.Kind is FrameKind.Result or FrameKind.Error or FrameKind.StreamItem;
        if (answer && direction == IpcTraceDirection.Received && this.calls.TryGet(frame.CallId, out PendingCall? call))
        {
            channel = call.Channel;
            latency = Telemetry.Elapsed(call.StartedAt);
        }
        else if (answer && direction == IpcTraceDirection.Sent && this.inbound.TryGet(frame.CallId, out InboundCalls.Call? handled))
        {
            channel = handled.Channel;
            latency = Telemetry.Elapsed(handled.StartedAt);
        }

        try
        {
            this.FrameTrace?.Invoke(new IpcFrameTrace(direction, this.EndpointId, Telemetry.NameOf(frame.Kind), channel, frame.CallId, (int)BinaryPayload.LengthOf(frame.Payload), latency));
        }
        catch (Exception ex)
        {
            Log.EventHandlerFailed(this.logger, nameof(IpcBridgeOptions.FrameTrace), ex);
        }
    }

    /// <summary>A Result or Error: completes the call it answers.</summary>
    private void OnAnswer(Frame frame)
    {
        if (!this.calls.TryTake(frame.CallId, out PendingCall? call))
        {
            if (!this.calls.WasMade(frame.CallId))
            {
                this.Violation($"an answer to call {frame.CallId}, which was never made");
            }

            // Otherwise a late answer to a call that was cancelled or timed out: drop it.
            return;
        }

        call.Release();
        if (frame.Kind == FrameKind.Result)
        {
            call.Succeed(frame.Payload);
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
            call.Fail(new IpcProtocolException($"The answer on channel '{call.Channel}' was a malformed error."));
            this.Violation("a malformed error frame");
            return;
        }

        call.Fail(error.ToException(call.Channel));
    }

    /// <summary>One item of a stream this side asked for: queued for the caller, within the credit it granted.</summary>
    private void OnStreamItem(Frame frame)
    {
        if (!this.calls.TryGet(frame.CallId, out PendingCall? call))
        {
            if (!this.calls.WasMade(frame.CallId))
            {
                this.Violation($"a stream item for call {frame.CallId}, which was never made");
            }

            // Otherwise an item of a stream that was cancelled: drop it.
            return;
        }

        if (call is not StreamCall stream)
        {
            this.Violation($"a stream item for call {frame.CallId}, which is not a stream");
            return;
        }

        if (!stream.TryAdd(frame.Payload))
        {
            this.Violation($"more stream items for call {frame.CallId} than it granted credit for");
        }
    }

    /// <summary>The caller of a stream this side produces read more items: its producer may send that many more.</summary>
    private void OnStreamCredit(Frame frame)
    {
        long count = frame.CreditCount;
        if (count <= 0 || count > int.MaxValue)
        {
            this.Violation($"a stream credit of {count}");
            return;
        }

        // An unknown id is a stream that just ended: its credit no longer matters.
        if (this.inbound.TryGet(frame.CallId, out InboundCalls.Call? call) && call.Credit is not null && !call.Credit.TryGrant((int)count))
        {
            this.Violation($"more stream credit for call {frame.CallId} than items sent");
        }
    }

    /// <summary>Only an endpoint tells main it is ready, once, on its link to main.</summary>
    private void OnReady(Frame frame)
    {
        if (!this.dispatcher.IsMain || this.IsPeerLink)
        {
            this.Violation("a Ready frame, which only an endpoint sends to main");
        }
        else if (!this.ready.TrySetResult(frame.Payload))
        {
            this.Violation("a second Ready frame");
        }
    }

    /// <summary>Remembered, so that when the stream ends the peer's reason (e.g. main disposed) is reported, not a bare end of stream.</summary>
    private void OnGoodbye(Frame frame) => Volatile.Write(ref this.peerReason, (int)frame.GoodbyeReason);

    /// <summary>A request, a cancellation or a port frame: queued on the endpoint's dispatcher, in order with user code.</summary>
    private void OnRequest(Frame frame)
    {
        if (!this.dispatcher.Enqueue(this, frame))
        {
            Log.FrameAfterShutdown(this.logger, frame.Kind, frame.Channel);
        }
    }

    /// <summary>The transport says the stream ended; if the peer said why first (Goodbye), that is the reason.</summary>
    private IpcDisconnectedException WithPeersReason(IpcDisconnectedException reason)
    {
        int told = Volatile.Read(ref this.peerReason);
        if (told >= 0 && reason.Reason == DisconnectReason.RemoteClosed && told != (int)DisconnectReason.LocalClosed && Enum.IsDefined(typeof(DisconnectReason), told))
        {
            return new IpcDisconnectedException(reason.Message, (DisconnectReason)told, reason);
        }

        return reason;
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
}
