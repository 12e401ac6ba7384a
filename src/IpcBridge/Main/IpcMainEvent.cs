using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
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
    private readonly IpcConnection? syncConnection;
    private readonly long syncCallId;
    private object? returnValue;
    private int returned;

    internal IpcMainEvent(WebContents sender, string channel, IReadOnlyList<MessagePortMain> ports, IpcConnection? syncConnection, long syncCallId)
    {
        this.Sender = sender;
        this.Channel = channel;
        this.Ports = ports;
        this.syncConnection = syncConnection;
        this.syncCallId = syncCallId;
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
    public bool IsSync => this.syncConnection is not null;

    /// <summary>
    /// Gets or sets the answer to a sync send. Setting it sends the value (serialized at once) to the blocked sender;
    /// it may be set from any thread, later than the listener returns, but only once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The event is not from a sync send, or the value was already set.</exception>
    /// <exception cref="IpcSerializationException">The value cannot be serialized; the sender gets the error too.</exception>
    public object? ReturnValue
    {
        get => this.returnValue;
        [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
        [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
        set
        {
            if (this.syncConnection is null)
            {
                throw new InvalidOperationException($"ReturnValue applies only to events from SendSync; the message on '{this.Channel}' was sent one way.");
            }

            if (Interlocked.Exchange(ref this.returned, 1) != 0)
            {
                throw new InvalidOperationException($"ReturnValue on '{this.Channel}' was already set; the sender has its answer.");
            }

            this.returnValue = value;
            byte[] payload;
            try
            {
                payload = this.syncConnection.Serializer.SerializeObject(value);
            }
            catch (IpcSerializationException ex)
            {
                this.syncConnection.SendError(this.syncCallId, new ErrorPayload { Code = ErrorCode.Serialization, Message = ex.Message, Type = ex.GetType().FullName });
                throw;
            }

            this.syncConnection.SendResult(this.syncCallId, payload);
        }
    }

    /// <summary>Answers a sync send with the error a listener threw, unless a return value was already sent.</summary>
    internal void TryFail(Exception failure)
    {
        if (this.syncConnection is null || Interlocked.Exchange(ref this.returned, 1) != 0)
        {
            return;
        }

        this.syncConnection.SendError(this.syncCallId, new ErrorPayload
        {
            Code = ErrorCode.HandlerFailed,
            Type = failure.GetType().FullName,
            Message = failure.Message,
            Stack = failure.StackTrace,
        });
    }

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
}
