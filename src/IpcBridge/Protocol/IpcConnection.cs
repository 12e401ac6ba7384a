using System;
using System.Collections.Concurrent;
using System.Diagnostics;
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
    private readonly ConcurrentDictionary<long, InboundCall> inbound = new();
    private long lastCallId;
    private int pendingCount;
    private readonly TaskCompletionSource<ReadOnlyMemory<byte>?> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
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

    /// <summary>Gets or sets the id of the renderer or work endpoint this link belongs to, for traces and spans.</summary>
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
    public Task<ReadOnlyMemory<byte>> CallAsync(FrameKind kind, string channel, ReadOnlyMemory<byte> payload, long[]? ports, CancellationToken cancellationToken, out long callId)
        => this.CallAsync(kind, channel, payload, ports, null, cancellationToken, out callId);

    /// <summary>
    /// Sends a call frame and returns its answer's payload. With a <paramref name="timeout"/>, the call fails with
    /// <see cref="IpcTimeoutException"/> when no answer came in time, and the handler's token is cancelled.
    /// </summary>
    public Task<ReadOnlyMemory<byte>> CallAsync(FrameKind kind, string channel, ReadOnlyMemory<byte> payload, long[]? ports, TimeSpan? timeout, CancellationToken cancellationToken, out long callId)
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
    public void GrantCredit(long callId, int count)
        => this.TryWrite(new Frame(FrameKind.StreamCredit, callId, string.Empty, ReadOnlyMemory<byte>.Empty, null, count));

    /// <summary>
    /// Abandons a call whose caller stopped waiting (sync timeout, a stream disposed early); a late answer is ignored.
    /// Its span ends with <paramref name="reason"/>'s outcome, or as cancelled when there is none.
    /// </summary>
    public void Abandon(long callId, Exception? reason = null)
    {
        if (this.TryTakePending(callId, out PendingCall? call))
        {
            call.Release();
            call.Abandoned(reason);
            this.TryWrite(new Frame(FrameKind.Cancel, callId, string.Empty, ReadOnlyMemory<byte>.Empty));
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
        this.Write(new Frame(FrameKind.Ready, 0, string.Empty, body));
    }

    public void SendResult(long callId, ReadOnlyMemory<byte> payload)
        => this.TryWrite(new Frame(FrameKind.Result, callId, string.Empty, payload));

    public void SendError(long callId, ErrorPayload error)
    {
        byte[] body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(error, ProtocolJsonContext.Default.ErrorPayload);
        this.TryWrite(new Frame(FrameKind.Error, callId, string.Empty, body));
    }

    /// <summary>Tracks an inbound call so a Cancel frame or the end of the link can cancel its handler.</summary>
    public CancellationToken BeginInbound(long callId, string channel) => this.Track(callId, new InboundCall(channel, null));

    /// <summary>Tracks an inbound stream call whose caller granted <paramref name="window"/> items of credit.</summary>
    public CancellationToken BeginInboundStream(long callId, string channel, int window) => this.Track(callId, new InboundCall(channel, new SemaphoreSlim(window, window)));

    /// <summary>Sends one item of an inbound stream once the caller has credit for it.</summary>
    public async ValueTask SendStreamItemAsync(long callId, ReadOnlyMemory<byte> item, CancellationToken cancellationToken)
    {
        if (!this.inbound.TryGetValue(callId, out InboundCall? call) || call.Credits is null)
        {
            throw new InvalidOperationException($"Call {callId} is not a stream in progress.");
        }

        await call.Credits.WaitAsync(cancellationToken).ConfigureAwait(false);
        this.Write(new Frame(FrameKind.StreamItem, callId, string.Empty, item));
    }

    /// <summary>Gets a value indicating whether the inbound call's token was cancelled (by the caller, its timeout, or the link ending).</summary>
    public bool IsInboundCancelled(long callId) => this.inbound.TryGetValue(callId, out InboundCall? call) && call.Cancellation.IsCancellationRequested;

    public void EndInbound(long callId)
    {
        if (this.inbound.TryRemove(callId, out InboundCall? call))
        {
            call.Dispose();
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
        Telemetry.Count(frame, sent: false);
        if (this.FrameTrace is not null)
        {
            this.TraceFrame(IpcTraceDirection.Received, frame);
        }

        switch (frame.Kind)
        {
            case FrameKind.Result:
            case FrameKind.Error:
                this.Complete(frame);
                break;
            case FrameKind.StreamItem:
                this.Deliver(frame);
                break;
            case FrameKind.StreamCredit:
                this.Credit(frame);
                break;
            case FrameKind.Send:
            case FrameKind.SendSync:
            case FrameKind.Invoke:
            case FrameKind.InvokeStream:
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
            case FrameKind.Ready:
                this.OnReady(frame);
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
            if (this.TryTakePending(id, out PendingCall? call))
            {
                call.Release();
                call.Fail(new IpcDisconnectedException(
                    $"The call on channel '{call.Channel}' could not complete: {reason.Message}", reason.Reason, reason));
            }
        }

        foreach (InboundCall call in this.inbound.Values)
        {
            call.Cancel();
        }

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
            if (this.inbound.TryGetValue(frame.CallId, out InboundCall? call))
            {
                call.Cancel();
            }

            return;
        }

        this.handler.HandleFrame(this, frame);
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

    /// <summary>Disconnects a peer that broke the protocol; other links are unaffected.</summary>
    internal void Violation(string what)
    {
        this.Close(new IpcDisconnectedException($"The peer broke the protocol: {what}.", DisconnectReason.ProtocolViolation, new IpcProtocolException(what)));
    }

    /// <summary>Numbers and registers a call, writes its frame, and arms its cancellation and timeout.</summary>
    private long Start(PendingCall call, FrameKind kind, string channel, ReadOnlyMemory<byte> payload, long[]? ports, long portId, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        // A counter, not pending.Count, which takes every lock of the dictionary.
        if (Volatile.Read(ref this.pendingCount) >= this.maxPendingCalls)
        {
            throw new IpcException($"Too many pending calls on this link ({this.maxPendingCalls}); see IpcBridgeOptions.MaxPendingCalls.");
        }

        long id = Interlocked.Increment(ref this.lastCallId);
        call.Begin(Telemetry.StartCall(kind, channel, this.EndpointId, out ActivityContext trace));
        this.pending[id] = call;
        Interlocked.Increment(ref this.pendingCount);
        try
        {
            this.Write(new Frame(kind, id, channel, payload, ports, portId, trace));
        }
        catch (Exception ex)
        {
            this.TryTakePending(id, out _);
            call.Discard(ex);
            throw;
        }

        // The link may have closed between the check in Write and adding the call: fail it now rather than never.
        IpcDisconnectedException? closed = this.ClosedReason;
        if (closed is not null && this.TryTakePending(id, out _))
        {
            call.Fail(new IpcDisconnectedException(closed.Message, closed.Reason, closed));
            return id;
        }

        if (cancellationToken.CanBeCanceled)
        {
            call.Registration = cancellationToken.Register(() => this.Stop(id, c => c.Cancel(cancellationToken)));
        }

        if (timeout is { } limit && limit != Timeout.InfiniteTimeSpan)
        {
            call.Timer = new Timer(_ => this.Stop(id, c => c.Fail(new IpcTimeoutException(c.Channel, limit))), null, limit, Timeout.InfiniteTimeSpan);
        }

        // Answered before the registration or the timer existed: nothing would release them otherwise.
        if (!this.pending.ContainsKey(id))
        {
            call.Release();
        }

        return id;
    }

    /// <summary>Ends a call at the caller's side (cancelled, timed out) and tells the handler to stop.</summary>
    private void Stop(long callId, Action<PendingCall> end)
    {
        if (this.TryTakePending(callId, out PendingCall? call))
        {
            call.Release();
            end(call);
            this.TryWrite(new Frame(FrameKind.Cancel, callId, string.Empty, ReadOnlyMemory<byte>.Empty));
        }
    }

    private void TraceFrame(IpcTraceDirection direction, Frame frame)
    {
        string channel = frame.Channel;
        TimeSpan? latency = null;
        bool answer = frame.Kind is FrameKind.Result or FrameKind.Error or FrameKind.StreamItem;
        if (answer && direction == IpcTraceDirection.Received && this.pending.TryGetValue(frame.CallId, out PendingCall? call))
        {
            channel = call.Channel;
            latency = Telemetry.Elapsed(call.StartedAt);
        }
        else if (answer && direction == IpcTraceDirection.Sent && this.inbound.TryGetValue(frame.CallId, out InboundCall? handled))
        {
            channel = handled.Channel;
            latency = Telemetry.Elapsed(handled.StartedAt);
        }

        try
        {
            this.FrameTrace?.Invoke(new IpcFrameTrace(direction, this.EndpointId, Telemetry.NameOf(frame.Kind), channel, frame.CallId, frame.Payload.Length, latency));
        }
        catch (Exception ex)
        {
            Log.EventHandlerFailed(this.logger, nameof(IpcBridgeOptions.FrameTrace), ex);
        }
    }

    private bool TryTakePending(long callId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PendingCall? call)
    {
        if (this.pending.TryRemove(callId, out call))
        {
            Interlocked.Decrement(ref this.pendingCount);
            return true;
        }

        return false;
    }

    private CancellationToken Track(long callId, InboundCall call)
    {
        this.inbound[callId] = call;
        if (this.IsClosed)
        {
            call.Cancel();
        }

        return call.Cancellation.Token;
    }

    private void Deliver(Frame frame)
    {
        if (!this.pending.TryGetValue(frame.CallId, out PendingCall? call))
        {
            if (frame.CallId <= 0 || frame.CallId > Volatile.Read(ref this.lastCallId))
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

    private void Credit(Frame frame)
    {
        if (frame.PortId <= 0 || frame.PortId > int.MaxValue)
        {
            this.Violation($"a stream credit of {frame.PortId}");
            return;
        }

        // An unknown id is a stream that just ended: its credit no longer matters.
        if (this.inbound.TryGetValue(frame.CallId, out InboundCall? call) && call.Credits is not null)
        {
            try
            {
                call.Credits.Release((int)frame.PortId);
            }
            catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
            {
                this.Violation($"more stream credit for call {frame.CallId} than items sent");
            }
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
        if (!this.TryTakePending(frame.CallId, out PendingCall? call))
        {
            if (frame.CallId <= 0 || frame.CallId > Volatile.Read(ref this.lastCallId))
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

        call.Fail(ToException(call.Channel, error));
    }

    internal static Exception ToException(string channel, ErrorPayload error) => error.Code switch
    {
        ErrorCode.AccessDenied => new IpcAccessDeniedException(channel, error.Operation),
        ErrorCode.Serialization => new IpcSerializationException($"Serialization failed at the other end of channel '{channel}': {error.Message}"),
        ErrorCode.LimitExceeded => new IpcQueueFullException($"The receiver on channel '{channel}' refused the call: {error.Message}"),
        ErrorCode.NoHandler => new IpcInvocationException(channel, error.Message),
        ErrorCode.Cancelled => new OperationCanceledException($"The handler for '{channel}' was cancelled: {error.Message}"),
        _ => new IpcInvocationException(channel, $"Error invoking remote method '{channel}': {error.Type}: {error.Message}", error.Type, error.Message, error.Stack),
    };

    /// <summary>A call waiting for its answer.</summary>
    internal class PendingCall
    {
        private Activity? activity;
        private int ended;

        public PendingCall(string channel) => this.Channel = channel;

        public string Channel { get; }

        public TaskCompletionSource<ReadOnlyMemory<byte>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public Timer? Timer { get; set; }

        public long StartedAt { get; private set; }

        public void Begin(Activity? span)
        {
            this.activity = span;
            this.StartedAt = Telemetry.Timestamp();
        }

        /// <summary>Drops the cancellation registration and the timer; the call is no longer pending.</summary>
        public void Release()
        {
            this.Registration.Dispose();
            this.Timer?.Dispose();
        }

        public virtual void Succeed(ReadOnlyMemory<byte> payload)
        {
            this.End("ok", null);
            this.Completion.TrySetResult(payload);
        }

        public virtual void Fail(Exception error)
        {
            this.End(OutcomeOf(error), error);
            this.Completion.TrySetException(error);
        }

        /// <summary>Ends the span of a call nobody awaits any more; nothing completes, so no exception goes unobserved.</summary>
        public void Abandoned(Exception? reason) => this.End(reason is null ? "cancelled" : OutcomeOf(reason), reason);

        public virtual void Cancel(CancellationToken token)
        {
            this.End("cancelled", null);
            this.Completion.TrySetCanceled(token);
        }

        /// <summary>Ends the call's span for a call that was never sent; the caller gets the exception directly.</summary>
        public void Discard(Exception error) => this.End("error", error);

        private static string OutcomeOf(Exception error) => error switch
        {
            IpcTimeoutException => "timeout",
            IpcDisconnectedException => "disconnected",
            OperationCanceledException => "cancelled",
            _ => "error",
        };

        private void End(string outcome, Exception? error)
        {
            if (Interlocked.Exchange(ref this.ended, 1) == 0)
            {
                Telemetry.EndCall(this.activity, this.Channel, this.StartedAt, outcome, error);
            }
        }
    }

    /// <summary>A stream call: its items queue here until the caller reads them; the answer ends the queue.</summary>
    internal sealed class StreamCall : PendingCall
    {
        private readonly System.Threading.Channels.Channel<ReadOnlyMemory<byte>> items =
            System.Threading.Channels.Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        private int credit;

        public StreamCall(string channel, int window)
            : base(channel)
        {
            this.Window = window;
            this.credit = window;
        }

        public long Id { get; set; }

        public int Window { get; }

        public System.Threading.Channels.ChannelReader<ReadOnlyMemory<byte>> Items => this.items.Reader;

        /// <summary>Queues an item; <see langword="false"/> when the producer sent more than it had credit for.</summary>
        public bool TryAdd(ReadOnlyMemory<byte> item) => Interlocked.Decrement(ref this.credit) >= 0 && this.items.Writer.TryWrite(item);

        /// <summary>Records credit granted back to the producer.</summary>
        public void Granted(int count) => Interlocked.Add(ref this.credit, count);

        public override void Succeed(ReadOnlyMemory<byte> payload)
        {
            base.Succeed(payload);
            this.items.Writer.TryComplete();
        }

        public override void Fail(Exception error)
        {
            base.Fail(error);
            this.items.Writer.TryComplete(error);
        }

        public override void Cancel(CancellationToken token)
        {
            base.Cancel(token);
            this.items.Writer.TryComplete(new OperationCanceledException(token));
        }
    }

    /// <summary>A call being handled at this side.</summary>
    private sealed class InboundCall : IDisposable
    {
        public InboundCall(string channel, SemaphoreSlim? credits)
        {
            this.Channel = channel;
            this.Credits = credits;
        }

        public string Channel { get; }

        public CancellationTokenSource Cancellation { get; } = new();

        public long StartedAt { get; } = Telemetry.Timestamp();

        /// <summary>Gets the items a stream's producer may still send, or <see langword="null"/> for a one-result call.</summary>
        public SemaphoreSlim? Credits { get; }

        public void Cancel()
        {
            try
            {
                this.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The handler finished between the lookup and the cancel; nothing to cancel.
            }
        }

        public void Dispose()
        {
            this.Cancellation.Dispose();
            this.Credits?.Dispose();
        }
    }
}
