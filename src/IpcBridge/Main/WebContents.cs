using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Ports;
using IpcBridge.Protocol;
using IpcBridge.Serialization;
using Microsoft.Extensions.Logging;

namespace IpcBridge;

/// <summary>
/// Main's handle to one renderer or work endpoint, as Electron's <c>webContents</c>: send to it, post ports to it,
/// and learn when it goes away.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed partial class WebContents : IIpcCapability, IFrameHandler
{
    private readonly MainProcess owner;
    private readonly ILogger logger;
    private int destroyedRaised;

    internal WebContents(MainProcess owner, int id, EndpointKind kind, ChannelAllowlist allowlist, int processId, string? name, ILogger logger)
    {
        this.owner = owner;
        this.Id = id;
        this.Kind = kind;
        this.Allowlist = allowlist;
        this.ProcessId = processId;
        this.Name = name ?? $"{kind.ToString().ToLowerInvariant()}-{id}";
        this.logger = logger;
    }

    /// <summary>Raised once when the endpoint is gone (closed, disposed, or its link failed), after every message it sent before that was dispatched.</summary>
    public event EventHandler? Destroyed;

    /// <summary>Gets the endpoint's id, unique within its <see cref="MainProcess"/>.</summary>
    public int Id { get; }

    /// <summary>Gets the endpoint's kind.</summary>
    public EndpointKind Kind { get; }

    /// <summary>Gets the endpoint's name (given at creation, or derived from kind and id).</summary>
    public string Name { get; }

    /// <summary>Gets the OS process id the endpoint runs in.</summary>
    public int ProcessId { get; }

    /// <summary>Gets the channels this endpoint may use; main enforces it on every inbound frame.</summary>
    public ChannelAllowlist Allowlist { get; }

    /// <summary>Gets a value indicating whether the endpoint is gone.</summary>
    public bool IsDestroyed => this.Connection.IsClosed;

    internal IpcConnection Connection { get; set; } = null!;

    /// <summary>Gets or sets a value indicating whether the endpoint said it can open direct peer links (children over streams).</summary>
    internal bool SupportsPeerLinks { get; set; }

    /// <summary>Sends a one-way message to this endpoint's <see cref="IpcRenderer"/> listeners.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments; each is serialized before this returns.</param>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it receive on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">An argument cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Send(string channel, params object?[] args)
    {
        this.CheckReceive(channel, IpcOperation.Receive);
        this.SendPayload(channel, this.Connection.Serializer.SerializeArgs(args));
    }

    /// <summary>Sends one typed argument to this endpoint.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="arg">The argument.</param>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it receive on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">The argument cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Send<T>(string channel, T arg)
    {
        this.CheckReceive(channel, IpcOperation.Receive);
        this.SendPayload(channel, this.Connection.Serializer.SerializeArg(arg));
    }

    /// <summary>
    /// Sends a message with ports to this endpoint (Electron's <c>webContents.postMessage</c>). The ports in
    /// <paramref name="transfer"/> move to the endpoint, which finds them in <see cref="IpcRendererEvent.Ports"/>;
    /// the objects passed here become unusable.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message (serialized; must not contain ports).</param>
    /// <param name="transfer">The ports to transfer, or <see langword="null"/>.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit receiving (and, with ports, carrying ports) on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    /// <exception cref="InvalidOperationException">A port is closed, already transferred, or listed twice.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void PostMessage(string channel, object? message, IEnumerable<MessagePortMain>? transfer = null)
    {
        MessagePortMain[] ports = PortTransfer.Validate(transfer, null);
        this.CheckReceive(channel, ports.Length == 0 ? IpcOperation.Receive : IpcOperation.Receive | IpcOperation.Ports);
        ReadOnlyMemory<byte> payload = this.Connection.Serializer.SerializeArgs(new[] { message });
        this.ThrowIfDestroyed();
        using PortTransfer.HandOver handOver = PortTransfer.Begin(ports);
        this.owner.Ports.SendWithPorts(this.Connection, FrameKind.Send, channel, payload, ports);
    }

    /// <summary>
    /// Invokes the endpoint's handler for <paramref name="channel"/> (<see cref="IpcRenderer.Handle{TResult}(string, Func{IpcRendererInvokeEvent, IpcArgs, TResult})"/>)
    /// and awaits its result: what Electron lacks as <c>webContents.invoke</c>. Always bounded by a time limit
    /// (<see cref="IpcBridgeOptions.MainInvokeTimeout"/>, or the channel's in <see cref="IpcBridgeOptions.ChannelTimeouts"/>),
    /// because a renderer may hang or be hostile.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel; the endpoint's allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The handler's result.</returns>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it handle <paramref name="channel"/>.</exception>
    /// <exception cref="IpcTimeoutException">No answer came in time; the handler's token was cancelled.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered there, or it threw (its type, message and stack are kept).</exception>
    /// <exception cref="IpcSerializationException">An argument or the result cannot be (de)serialized.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed, or went away before answering.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public Task<TResult> InvokeAsync<TResult>(string channel, params object?[] args)
        => this.InvokeCoreAsync<TResult>(channel, args, null, CancellationToken.None);

    /// <summary>Invokes the endpoint's handler for <paramref name="channel"/>, cancellably; see <see cref="InvokeAsync{TResult}(string, object?[])"/>.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's <see cref="IpcRendererInvokeEvent.CancellationToken"/> there.</param>
    /// <returns>The handler's result.</returns>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it handle <paramref name="channel"/>.</exception>
    /// <exception cref="IpcTimeoutException">No answer came in time.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered there, or it threw.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed, or went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public Task<TResult> InvokeAsync<TResult>(string channel, object?[] args, CancellationToken cancellationToken)
        => this.InvokeCoreAsync<TResult>(channel, args, null, cancellationToken);

    /// <summary>Invokes the endpoint's handler for <paramref name="channel"/> with a time limit for this call.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="timeout">How long to wait; positive and finite.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's token there.</param>
    /// <returns>The handler's result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive and finite.</exception>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it handle <paramref name="channel"/>.</exception>
    /// <exception cref="IpcTimeoutException">No answer came within <paramref name="timeout"/>.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered there, or it threw.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed, or went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public Task<TResult> InvokeAsync<TResult>(string channel, object?[] args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An invoke from main is always bounded: pass a finite time limit.");
        }

        return this.InvokeCoreAsync<TResult>(channel, args, timeout, cancellationToken);
    }

    /// <summary>
    /// Invokes the endpoint's stream handler for <paramref name="channel"/> (<see cref="IpcRenderer.HandleStream{TItem}"/>) and
    /// reads its items as they come, with back-pressure; disposing the enumerator early stops the handler. The endpoint going
    /// away ends the enumeration with <see cref="IpcDisconnectedException"/>.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel; the endpoint's allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The items.</returns>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it handle <paramref name="channel"/> (thrown at once).</exception>
    /// <exception cref="IpcInvocationException">While enumerating: no stream handler there, or it threw.</exception>
    /// <exception cref="IpcDisconnectedException">While enumerating: the endpoint went away.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IAsyncEnumerable<TItem> InvokeStream<TItem>(string channel, params object?[] args)
    {
        this.CheckReceive(channel, IpcOperation.Handle);
        PayloadSerializer serializer = this.Connection.Serializer;
        ReadOnlyMemory<byte> payload = serializer.SerializeArgs(args);
        return StreamCalls.ReadAsync(this.Connection, channel, payload, this.owner.Options.StreamWindow, item => serializer.Deserialize<TItem>(item, $"an item of '{channel}'", soleReader: true));
    }

    /// <summary>Closes the link to this endpoint; it is destroyed and its pending calls fail with <see cref="IpcDisconnectedException"/>.</summary>
    public void Close() => this.Connection.Close(new IpcDisconnectedException($"Endpoint {this.Id} was closed by main.", DisconnectReason.LocalClosed));

    /// <inheritdoc />
    public override string ToString() => $"{this.Name} (#{this.Id}, {this.Kind}, pid {this.ProcessId})";

    /// <summary>Sends a one-way frame if the endpoint is live and may receive on its channel. Frames are immutable, so a broadcast writes one frame to every endpoint.</summary>
    internal bool TrySend(Frame frame)
    {
        if (this.IsDestroyed || !this.Allowlist.IsAllowed(IpcOperation.Receive, frame.Channel))
        {
            return false;
        }

        try
        {
            this.Connection.Write(frame);
            return true;
        }
        catch (IpcDisconnectedException)
        {
            return false;
        }
    }

    void IFrameHandler.HandleFrame(IpcConnection connection, Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Send:
            {
                IpcOperation needed = frame.Ports is null ? IpcOperation.Send : IpcOperation.Send | IpcOperation.Ports;
                if (!this.Allowlist.IsAllowed(needed, frame.Channel))
                {
                    this.Deny(needed, frame.Channel);
                    this.owner.Ports.RejectTransferred(connection, frame.Ports);
                    return;
                }

                IReadOnlyList<MessagePortMain> ports = this.owner.Ports.Receive(connection, frame.Ports);
                if (frame.Ports is not null && ports.Count == 0)
                {
                    // The transfer was refused and the link is closing.
                    return;
                }

                this.owner.IpcMain.DispatchSend(this, frame.Channel, new ReceivedArgs(frame.Payload, connection.Serializer, frame.Channel), ports);
                return;
            }

            case FrameKind.SendSync:
                if (!this.Allowlist.IsAllowed(IpcOperation.SendSync, frame.Channel))
                {
                    this.Deny(IpcOperation.SendSync, frame.Channel);
                    connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.AccessDenied, Operation = IpcOperation.SendSync, Message = "Access denied." });
                    return;
                }

                this.owner.IpcMain.DispatchSendSync(this, connection, frame, new ReceivedArgs(frame.Payload, connection.Serializer, frame.Channel));
                return;

            case FrameKind.Invoke:
            case FrameKind.InvokeStream:
                if (!this.Allowlist.IsAllowed(IpcOperation.Invoke, frame.Channel))
                {
                    this.Deny(IpcOperation.Invoke, frame.Channel);
                    connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.AccessDenied, Operation = IpcOperation.Invoke, Message = "Access denied." });
                    return;
                }

                this.owner.IpcMain.DispatchInvoke(this, connection, frame, new IpcArgs(frame.Payload, connection.Serializer, frame.Channel));
                return;

            case FrameKind.PortMessage:
            case FrameKind.PortClose:
            case FrameKind.PortAck:
            case FrameKind.PortFence:
                this.owner.Ports.HandlePortFrame(connection, frame);
                return;

            default:
                connection.Violation($"a {frame.Kind} frame, which a renderer may not send");
                return;
        }
    }

    void IFrameHandler.HandleClosed(IpcConnection connection, IpcDisconnectedException reason)
    {
        this.owner.Ports.OnLinkClosed(connection);
        this.owner.OnEndpointGone(this);
        this.owner.Broker.Forget(this.Id);
        this.EndProcessAfterLink(reason);
        this.CloseIpc();
        if (System.Threading.Interlocked.Exchange(ref this.destroyedRaised, 1) == 0)
        {
            try
            {
                this.Destroyed?.Invoke(this, EventArgs.Empty);
            }
            catch (Exception ex)
            {
                Log.EventHandlerFailed(this.logger, nameof(this.Destroyed), ex);
            }
        }
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private async Task<TResult> InvokeCoreAsync<TResult>(string channel, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        this.CheckReceive(channel, IpcOperation.Handle);
        TimeSpan? limit = this.owner.Options.TimeoutFor(channel, timeout, this.owner.Options.MainInvokeTimeout);
        ReadOnlyMemory<byte> payload = this.Connection.Serializer.SerializeArgs(args);
        this.ThrowIfDestroyed();
        ReadOnlyMemory<byte> result = await this.Connection.CallAsync(FrameKind.Invoke, channel, payload, null, limit, cancellationToken, out _).ConfigureAwait(false);
        return this.Connection.Serializer.Deserialize<TResult>(result, $"the result of '{channel}'", soleReader: true);
    }

    private void CheckReceive(string channel, IpcOperation operation)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        if (!this.Allowlist.IsAllowed(operation, channel))
        {
            throw new IpcAccessDeniedException(channel, operation);
        }
    }

    private void SendPayload(string channel, ReadOnlyMemory<byte> payload)
    {
        this.ThrowIfDestroyed();
        this.Connection.Write(new Frame(FrameKind.Send, 0, channel, payload));
    }

    private void ThrowIfDestroyed()
    {
        IpcDisconnectedException? closed = this.Connection.ClosedReason;
        if (closed is not null)
        {
            throw new IpcDisconnectedException($"Endpoint {this.Id} is destroyed: {closed.Message}", closed.Reason, closed);
        }
    }

    private void Deny(IpcOperation operation, string channel)
    {
        Log.FrameDenied(this.logger, operation, channel, this.Id, this.Kind);
        Telemetry.RecordDenied(operation, channel);
        this.owner.RaiseAccessDenied(this, operation, channel);
    }
}
