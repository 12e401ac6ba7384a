using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using IpcBridge.Diagnostics;
using IpcBridge.Protocol;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// What an <see cref="IpcMain"/> listener receives with a message sent by <see cref="IpcRenderer.Send(string, object?[])"/>,
/// <see cref="IpcRenderer.SendSync(string, object?[])"/> or <see cref="IpcRenderer.PostMessage"/>. The sender's identity
/// comes from the connection the message arrived on, never from the message itself.
/// </summary>
public sealed partial class IpcMainEvent : IIpcCapability
{
    // Only sync sends need what answers them; a one-way message's event stays small.
    private readonly SyncAnswer? sync;

    internal IpcMainEvent(WebContents sender, string channel, IReadOnlyList<MessagePortMain> ports, IpcConnection? syncConnection, long syncCallId)
    {
        this.Sender = sender;
        this.Channel = channel;
        this.Ports = ports;
        this.sync = syncConnection is null ? null : new SyncAnswer(syncConnection, syncCallId);
    }

    /// <summary>Gets the endpoint that sent the message.</summary>
    public WebContents Sender { get; }

    /// <summary>Gets the OS process id of the sender.</summary>
    public int ProcessId => this.Sender.ProcessId;

    /// <summary>Gets the kind of the sender.</summary>
    public EndpointKind Kind => this.Sender.Kind;

    /// <summary>Gets the channel the message arrived on.</summary>
    public string Channel { get; }

    /// <summary>Gets the ports transferred with the message (empty when none were).</summary>
    public IReadOnlyList<MessagePortMain> Ports { get; }

    /// <summary>Gets a value indicating whether the sender is blocked in <see cref="IpcRenderer.SendSync(string, object?[])"/> waiting for <see cref="ReturnValue"/>.</summary>
    public bool IsSync => this.sync is not null;

    /// <summary>
    /// Gets or sets the answer to a sync send. Setting it sends the value (serialized at once) to the blocked sender;
    /// it may be set from any thread, later than the listener returns, but only once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The event is not from a sync send, or the value was already set.</exception>
    /// <exception cref="IpcSerializationException">The value cannot be serialized; the sender gets the error too.</exception>
    public object? ReturnValue
    {
        get => this.sync?.ReturnValue;
        [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
        [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
        set
        {
            SyncAnswer sync = this.sync
                ?? throw new InvalidOperationException($"ReturnValue applies only to events from SendSync; the message on '{this.Channel}' was sent one way.");
            if (Interlocked.Exchange(ref sync.Returned, 1) != 0)
            {
                throw new InvalidOperationException($"ReturnValue on '{this.Channel}' was already set; the sender has its answer.");
            }

            sync.ReturnValue = value;
            ReadOnlyMemory<byte> payload;
            try
            {
                payload = sync.Connection.Serializer.SerializeObject(value);
            }
            catch (IpcSerializationException ex)
            {
                sync.EndSpan(ex);
                sync.Connection.SendError(sync.CallId, new ErrorPayload { Code = ErrorCode.Serialization, Message = ex.Message, Type = ex.GetType().FullName });
                throw;
            }

            // The span ends before the answer goes, so a sender that has the answer finds the span finished.
            sync.EndSpan(null);
            sync.Connection.SendResult(sync.CallId, payload);
        }
    }

    /// <summary>Answers a sync send with the error a listener threw, unless a return value was already sent.</summary>
    internal void TryFail(Exception failure)
    {
        SyncAnswer? sync = this.sync;
        if (sync is null || Interlocked.Exchange(ref sync.Returned, 1) != 0)
        {
            return;
        }

        sync.EndSpan(failure);
        sync.Connection.SendError(sync.CallId, new ErrorPayload
        {
            Code = ErrorCode.HandlerFailed,
            Type = failure.GetType().FullName,
            Message = failure.Message,
            Stack = failure.StackTrace,
        });
    }

    /// <summary>Gives a sync send's event the span its listeners run in; it ends when they answer or return.</summary>
    internal void BeginSpan(Activity? span) => this.sync?.BeginSpan(span);

    /// <summary>Ends a sync send's span once its listeners have returned, unless an answer already ended it.</summary>
    internal void EndSpan(Exception? failure) => this.sync?.EndSpan(failure);

    /// <summary>Sends a message back to the endpoint that sent this event (Electron's <c>event.reply</c>).</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments; each is serialized.</param>
    /// <exception cref="IpcAccessDeniedException">The sender's allowlist does not let it receive on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">An argument cannot be serialized.</exception>
    /// <exception cref="IpcDisconnectedException">The sender is gone.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Reply(string channel, params object?[] args) => this.Sender.Send(channel, args);

    /// <summary>Sends one typed argument back to the endpoint that sent this event.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="arg">The argument.</param>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Reply<T>(string channel, T arg) => this.Sender.Send(channel, arg);

    /// <summary>The blocked sender of a sync send, and whether it has its answer.</summary>
    private sealed class SyncAnswer
    {
        public int Returned;

        private Activity? span;

        public SyncAnswer(IpcConnection connection, long callId)
        {
            this.Connection = connection;
            this.CallId = callId;
        }

        public IpcConnection Connection { get; }

        public long CallId { get; }

        public object? ReturnValue { get; set; }

        public void BeginSpan(Activity? span) => this.span = span;

        /// <summary>Ends the span once: at the answer, or when the listeners return without one.</summary>
        public void EndSpan(Exception? failure)
        {
            Activity? span = Interlocked.Exchange(ref this.span, null);
            Telemetry.EndHandler(span, failure);
        }
    }
}
