using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Ports;
using IpcBridge.Protocol;
using IpcBridge.Renderer;
using IpcBridge.Serialization;
using Microsoft.Extensions.Logging;

namespace IpcBridge;

/// <summary>
/// A renderer's or work endpoint's side of IPC, as Electron's <c>ipcRenderer</c>. Only preload code receives it;
/// page code reaches IPC solely through what preload exposes in the <see cref="MainWorld"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Every operation is checked against the endpoint's <see cref="Allowlist"/> before anything is sent
/// (<see cref="IpcAccessDeniedException"/>); main checks again on arrival. Listeners run on this endpoint's dispatch
/// loop in the order main sent the messages.
/// </remarks>
public sealed partial class IpcRenderer : IIpcCapability, IFrameHandler
{
    private readonly ListenerRegistry<IpcRendererEvent> listeners = new();
    private readonly HandlerRegistry<IpcRendererInvokeEvent> handlers = new();
    private readonly RendererIdentity identity;
    private readonly IpcBridgeOptions options;
    private readonly ILogger logger;

    internal IpcRenderer(RendererIdentity identity, IpcBridgeOptions options, PortRouter ports, ILogger logger)
    {
        this.identity = identity;
        this.options = options;
        this.Ports = ports;
        this.logger = logger;
    }

    /// <summary>Raised once, on this endpoint's dispatch loop after every message main sent before, when the link to main is gone.</summary>
    public event EventHandler<DisconnectedEventArgs>? Disconnected;

    /// <summary>Gets this endpoint's id (the same as main's <see cref="WebContents.Id"/> for it).</summary>
    public int EndpointId => this.identity.EndpointId;

    /// <summary>Gets this endpoint's kind.</summary>
    public EndpointKind Kind => this.identity.Kind;

    /// <summary>Gets the channels this endpoint may use.</summary>
    public ChannelAllowlist Allowlist => this.identity.Allowlist;

    /// <summary>Gets a value indicating whether the link to main is gone.</summary>
    public bool IsDisconnected => this.Connection.IsClosed;

    internal IpcConnection Connection { get; set; } = null!;

    internal PortRouter Ports { get; }

    /// <summary>Gets or sets this endpoint's direct links to other renderers (brokered by main for port pairs).</summary>
    internal PeerLinks? Peers { get; set; }

    /// <summary>Sends a one-way message to main's <see cref="IpcMain"/> listeners.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments; each is serialized before this returns.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit sending on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">An argument cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcDisconnectedException">Main is gone.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Send(string channel, params object?[] args)
    {
        this.Check(IpcOperation.Send, channel);
        this.Connection.Write(new Frame(FrameKind.Send, 0, channel, this.Connection.Serializer.SerializeArgs(args)));
    }

    /// <summary>Sends one typed argument to main.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="arg">The argument.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit sending on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">The argument cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcDisconnectedException">Main is gone.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Send<T>(string channel, T arg)
    {
        this.Check(IpcOperation.Send, channel);
        this.Connection.Write(new Frame(FrameKind.Send, 0, channel, this.Connection.Serializer.SerializeArg(arg)));
    }

    /// <summary>
    /// Sends a message to main and blocks until a listener sets <see cref="IpcMainEvent.ReturnValue"/>, at most
    /// <see cref="IpcBridgeOptions.SendSyncTimeout"/>. Prefer <see cref="InvokeAsync{TResult}(string, object?[])"/>.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The return value, as JSON.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist (here or in main) does not permit a sync send on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcTimeoutException">No listener set the return value in time.</exception>
    /// <exception cref="IpcInvocationException">No listener is registered for the channel.</exception>
    /// <exception cref="InvalidOperationException">Called on main's dispatch thread, where it could only deadlock.</exception>
    /// <exception cref="IpcDisconnectedException">Main is gone.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public JsonElement SendSync(string channel, params object?[] args) => this.SendSync<JsonElement>(channel, args);

    /// <summary>Like <see cref="SendSync(string, object?[])"/>, reading the return value as <typeparamref name="TResult"/>.</summary>
    /// <typeparam name="TResult">The return value's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The return value.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist (here or in main) does not permit a sync send on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcTimeoutException">No listener set the return value in time.</exception>
    /// <exception cref="IpcInvocationException">No listener is registered for the channel.</exception>
    /// <exception cref="InvalidOperationException">Called on main's dispatch thread, where it could only deadlock.</exception>
    /// <exception cref="IpcDisconnectedException">Main is gone.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public TResult SendSync<TResult>(string channel, params object?[] args)
    {
        if (FrameDispatcher.Current is { IsMain: true })
        {
            throw new InvalidOperationException(
                $"SendSync on '{channel}' was called on the main process's dispatch thread (inside an IpcMain listener or handler). " +
                "It would wait for an answer only that thread can give, so it would deadlock. Use InvokeAsync, or Send.");
        }

        this.Check(IpcOperation.SendSync, channel);
        ReadOnlyMemory<byte> payload = this.Connection.Serializer.SerializeArgs(args);
        Task<ReadOnlyMemory<byte>> answer = this.Connection.CallAsync(FrameKind.SendSync, channel, payload, null, CancellationToken.None, out long callId);
        bool done;
        try
        {
            // The one deliberate sync-over-async in the library: the caller asked to block, and a timeout bounds it.
            done = answer.Wait(this.options.SendSyncTimeout);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }

        if (!done)
        {
            var timedOut = new IpcTimeoutException(channel, this.options.SendSyncTimeout);
            this.Connection.Abandon(callId, timedOut);
            throw timedOut;
        }

        return this.Connection.Serializer.Deserialize<TResult>(answer.Result, $"the sync answer on '{channel}'", soleReader: true);
    }

    /// <summary>Invokes main's handler for <paramref name="channel"/> and awaits its result (Electron's <c>ipcRenderer.invoke</c>).</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The handler's result.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist (here or in main) does not permit invoking <paramref name="channel"/>.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered, or the handler threw (its type, message and stack are kept).</exception>
    /// <exception cref="IpcSerializationException">An argument or the result cannot be (de)serialized.</exception>
    /// <exception cref="IpcDisconnectedException">Main went away before answering.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public Task<TResult> InvokeAsync<TResult>(string channel, params object?[] args)
        => this.InvokeAsync<TResult>(channel, args, CancellationToken.None);

    /// <summary>Invokes main's handler for <paramref name="channel"/>, cancellably.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's <see cref="IpcMainInvokeEvent.CancellationToken"/> in main.</param>
    /// <returns>The handler's result.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist (here or in main) does not permit invoking <paramref name="channel"/>.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered, or the handler threw.</exception>
    /// <exception cref="IpcSerializationException">An argument or the result cannot be (de)serialized.</exception>
    /// <exception cref="IpcDisconnectedException">Main went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public Task<TResult> InvokeAsync<TResult>(string channel, object?[] args, CancellationToken cancellationToken)
        => this.InvokeCoreAsync<TResult>(channel, args, null, cancellationToken);

    /// <summary>Invokes main's handler for <paramref name="channel"/> with a time limit for this call.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="timeout">How long to wait for the answer, or <see cref="Timeout.InfiniteTimeSpan"/>; overrides <see cref="IpcBridgeOptions.InvokeTimeout"/> and <see cref="IpcBridgeOptions.ChannelTimeouts"/>.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's <see cref="IpcMainInvokeEvent.CancellationToken"/> in main.</param>
    /// <returns>The handler's result.</returns>
    /// <exception cref="IpcTimeoutException">No answer came within <paramref name="timeout"/>; the handler's token was cancelled.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist (here or in main) does not permit invoking <paramref name="channel"/>.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered, or the handler threw.</exception>
    /// <exception cref="IpcSerializationException">An argument or the result cannot be (de)serialized.</exception>
    /// <exception cref="IpcDisconnectedException">Main went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public Task<TResult> InvokeAsync<TResult>(string channel, object?[] args, TimeSpan timeout, CancellationToken cancellationToken = default)
        => this.InvokeCoreAsync<TResult>(channel, args, timeout, cancellationToken);

    /// <summary>
    /// Invokes main's stream handler for <paramref name="channel"/> (<see cref="IpcMain.HandleStream{TItem}"/>) and reads its
    /// items as they come. The call starts when enumeration starts; main's handler runs only as far ahead of the reading as
    /// <see cref="IpcBridgeOptions.StreamWindow"/> allows; disposing the enumerator early, or cancelling it through
    /// <c>WithCancellation</c>, stops the handler.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The items.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit invoking <paramref name="channel"/> (thrown at once).</exception>
    /// <exception cref="IpcSerializationException">An argument cannot be serialized (thrown at once), or an item cannot be read.</exception>
    /// <exception cref="IpcInvocationException">While enumerating: no stream handler is registered, or it threw.</exception>
    /// <exception cref="IpcDisconnectedException">While enumerating: main went away; the stream ends with it.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IAsyncEnumerable<TItem> InvokeStream<TItem>(string channel, params object?[] args)
    {
        this.Check(IpcOperation.Invoke, channel);
        ReadOnlyMemory<byte> payload = this.Connection.Serializer.SerializeArgs(args);
        PayloadSerializer serializer = this.Connection.Serializer;
        return StreamCalls.ReadAsync(this.Connection, channel, payload, this.options.StreamWindow, item => serializer.Deserialize<TItem>(item, $"an item of '{channel}'", soleReader: true));
    }

    /// <summary>Registers the handler for main's invokes on <paramref name="channel"/> (<see cref="WebContents.InvokeAsync{TResult}(string, object?[])"/>).</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler; its exception reaches main as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TResult>(string channel, Func<IpcRendererInvokeEvent, IpcArgs, TResult> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(this.Connection.Serializer, channel, handler), once: false);

    /// <summary>Registers the handler for main's invokes on <paramref name="channel"/>; the returned task is awaited.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler; its exception reaches main as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda converts to Task<T> and ValueTask<T> alike; the idiomatic async lambda must pick Task<T>.
    [OverloadResolutionPriority(1)]
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TResult>(string channel, Func<IpcRendererInvokeEvent, IpcArgs, Task<TResult>> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(this.Connection.Serializer, channel, handler), once: false);

    /// <summary>Registers the handler for main's invokes on <paramref name="channel"/>; the returned value task is awaited.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TResult>(string channel, Func<IpcRendererInvokeEvent, IpcArgs, ValueTask<TResult>> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(this.Connection.Serializer, channel, handler), once: false);

    /// <summary>Registers a handler with no result for main's invokes on <paramref name="channel"/>; the returned task is awaited and main receives <see langword="null"/>.</summary>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler; its exception reaches main as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda with no result converts to Task and ValueTask alike; the idiomatic async lambda must pick Task.
    [OverloadResolutionPriority(1)]
    public void Handle(string channel, Func<IpcRendererInvokeEvent, IpcArgs, Task> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(channel, handler), once: false);

    /// <summary>Registers a handler with no result for main's invokes on <paramref name="channel"/>; the returned value task is awaited and main receives <see langword="null"/>.</summary>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler; its exception reaches main as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void Handle(string channel, Func<IpcRendererInvokeEvent, IpcArgs, ValueTask> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(channel, handler), once: false);

    /// <summary>Like <see cref="Handle{TResult}(string, Func{IpcRendererInvokeEvent, IpcArgs, TResult})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleOnce<TResult>(string channel, Func<IpcRendererInvokeEvent, IpcArgs, TResult> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(this.Connection.Serializer, channel, handler), once: true);

    /// <summary>Like <see cref="Handle{TResult}(string, Func{IpcRendererInvokeEvent, IpcArgs, Task{TResult}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [OverloadResolutionPriority(1)]
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleOnce<TResult>(string channel, Func<IpcRendererInvokeEvent, IpcArgs, Task<TResult>> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(this.Connection.Serializer, channel, handler), once: true);

    /// <summary>Like <see cref="Handle{TResult}(string, Func{IpcRendererInvokeEvent, IpcArgs, ValueTask{TResult}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleOnce<TResult>(string channel, Func<IpcRendererInvokeEvent, IpcArgs, ValueTask<TResult>> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(this.Connection.Serializer, channel, handler), once: true);

    /// <summary>Like <see cref="Handle(string, Func{IpcRendererInvokeEvent, IpcArgs, Task})"/>, removed after its first invoke.</summary>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [OverloadResolutionPriority(1)]
    public void HandleOnce(string channel, Func<IpcRendererInvokeEvent, IpcArgs, Task> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(channel, handler), once: true);

    /// <summary>Like <see cref="Handle(string, Func{IpcRendererInvokeEvent, IpcArgs, ValueTask})"/>, removed after its first invoke.</summary>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleOnce(string channel, Func<IpcRendererInvokeEvent, IpcArgs, ValueTask> handler)
        => this.AddHandler(channel, HandlerRegistry<IpcRendererInvokeEvent>.Wrap(channel, handler), once: true);

    /// <summary>
    /// Registers a handler that answers <see cref="WebContents.InvokeStream{TItem}(string, object?[])"/> with a sequence
    /// of items, sent as main consumes them; main stopping early or going away cancels <see cref="IpcRendererInvokeEvent.CancellationToken"/>.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleStream<TItem>(string channel, Func<IpcRendererInvokeEvent, IpcArgs, IAsyncEnumerable<TItem>> handler)
    {
        this.Check(IpcOperation.Handle, channel);
        this.handlers.Add(channel, HandlerRegistry<IpcRendererInvokeEvent>.WrapStream(this.Connection.Serializer, channel, handler), once: false);
    }

    /// <summary>Removes the handler of <paramref name="channel"/>, if any.</summary>
    /// <param name="channel">The channel.</param>
    public void RemoveHandler(string channel) => this.handlers.Remove(channel);

    /// <summary>
    /// Sends a message with ports to main (Electron's <c>ipcRenderer.postMessage</c>); main's listeners find the ports in
    /// <see cref="IpcMainEvent.Ports"/>. The objects passed here become unusable.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message (serialized; must not contain ports).</param>
    /// <param name="transfer">The ports to transfer, or <see langword="null"/>.</param>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit sending (and, with ports, carrying ports) on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    /// <exception cref="InvalidOperationException">A port is closed, already transferred, or listed twice.</exception>
    /// <exception cref="IpcDisconnectedException">Main is gone.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void PostMessage(string channel, object? message, IEnumerable<MessagePortMain>? transfer = null)
    {
        MessagePortMain[] ports = PortTransfer.Validate(transfer, null);
        this.Check(ports.Length == 0 ? IpcOperation.Send : IpcOperation.Send | IpcOperation.Ports, channel);
        ReadOnlyMemory<byte> payload = this.Connection.Serializer.SerializeArgs(new[] { message });
        using PortTransfer.HandOver handOver = PortTransfer.Begin(ports);
        this.Ports.SendWithPorts(this.Connection, FrameKind.Send, channel, payload, ports);
    }

    /// <summary>Adds a listener for messages from main on <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit receiving on <paramref name="channel"/>.</exception>
    public IpcRenderer On(string channel, Action<IpcRendererEvent, IpcArgs> listener)
        => this.AddListener(channel, listener, listener, once: false);

    /// <summary>Adds a listener that receives the first argument as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The first argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit receiving on <paramref name="channel"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IpcRenderer On<T>(string channel, Action<IpcRendererEvent, T> listener)
        => this.AddListener(channel, listener, Typed(listener), once: false);

    /// <summary>Adds a listener that runs for the next message on <paramref name="channel"/> only.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit receiving on <paramref name="channel"/>.</exception>
    public IpcRenderer Once(string channel, Action<IpcRendererEvent, IpcArgs> listener)
        => this.AddListener(channel, listener, listener, once: true);

    /// <summary>Adds a typed listener that runs for the next message on <paramref name="channel"/> only.</summary>
    /// <typeparam name="T">The first argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit receiving on <paramref name="channel"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IpcRenderer Once<T>(string channel, Action<IpcRendererEvent, T> listener)
        => this.AddListener(channel, listener, Typed(listener), once: true);

    /// <summary>Removes the most recently added registration of <paramref name="listener"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    public IpcRenderer RemoveListener(string channel, Action<IpcRendererEvent, IpcArgs> listener)
    {
        this.listeners.Remove(channel ?? throw new ArgumentNullException(nameof(channel)), listener ?? throw new ArgumentNullException(nameof(listener)));
        return this;
    }

    /// <summary>Removes the most recently added registration of a typed <paramref name="listener"/>.</summary>
    /// <typeparam name="T">The first argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    public IpcRenderer RemoveListener<T>(string channel, Action<IpcRendererEvent, T> listener)
    {
        this.listeners.Remove(channel ?? throw new ArgumentNullException(nameof(channel)), listener ?? throw new ArgumentNullException(nameof(listener)));
        return this;
    }

    /// <summary>Removes every listener of <paramref name="channel"/>, or of every channel when it is <see langword="null"/>.</summary>
    /// <param name="channel">The channel, or <see langword="null"/> for all.</param>
    /// <returns>This instance.</returns>
    public IpcRenderer RemoveAllListeners(string? channel = null)
    {
        this.listeners.RemoveAll(channel);
        return this;
    }

    /// <summary>Gets the number of listeners registered for <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>The count.</returns>
    public int ListenerCount(string channel) => this.listeners.Count(channel);

    void IFrameHandler.HandleFrame(IpcConnection connection, Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Send:
            {
                IpcOperation needed = frame.Ports is null ? IpcOperation.Receive : IpcOperation.Receive | IpcOperation.Ports;
                if (!this.Allowlist.IsAllowed(needed, frame.Channel))
                {
                    Log.RendererFrameDenied(this.logger, needed, frame.Channel);
                    Telemetry.RecordDenied(needed, frame.Channel);
                    this.Ports.RejectTransferred(connection, frame.Ports);
                    return;
                }

                IReadOnlyList<MessagePortMain> ports = this.Ports.Receive(connection, frame.Ports);
                if (frame.Ports is not null && ports.Count == 0)
                {
                    // The transfer was refused and the link is closing.
                    return;
                }

                var e = new IpcRendererEvent(this, frame.Channel, ports);
                if (this.listeners.Emit(frame.Channel, e, new ReceivedArgs(frame.Payload, connection.Serializer, frame.Channel), this.logger) == 0)
                {
                    MessagePortMain.CloseUnclaimed(ports, frame.Channel, this.logger);
                }

                return;
            }

            case FrameKind.PortMessage:
            case FrameKind.PortClose:
            case FrameKind.PortAck:
            case FrameKind.PortFence:
                this.Ports.HandlePortFrame(connection, frame);
                return;

            case FrameKind.PeerListen:
            case FrameKind.PeerConnect:
            case FrameKind.PortMove:
                if (this.Peers is null)
                {
                    connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.NoHandler, Message = "This endpoint opens no peer links." });
                    return;
                }

                this.Peers.HandleRequest(connection, frame);
                return;

            case FrameKind.Invoke:
            case FrameKind.InvokeStream:
                if (!this.Allowlist.IsAllowed(IpcOperation.Handle, frame.Channel))
                {
                    Log.RendererFrameDenied(this.logger, IpcOperation.Handle, frame.Channel);
                    Telemetry.RecordDenied(IpcOperation.Handle, frame.Channel);
                    connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.AccessDenied, Operation = IpcOperation.Handle, Message = "Access denied." });
                    return;
                }

                this.handlers.Dispatch(connection, frame, new IpcArgs(frame.Payload, connection.Serializer, frame.Channel), this, static (sender, channel, token) => new IpcRendererInvokeEvent(sender, channel, token));
                return;

            case FrameKind.SendSync:
                connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.NoHandler, Message = $"A renderer does not answer {frame.Kind} on '{frame.Channel}'." });
                return;

            default:
                connection.Violation($"a {frame.Kind} frame, which main may not send");
                return;
        }
    }

    void IFrameHandler.HandleClosed(IpcConnection connection, IpcDisconnectedException reason)
    {
        this.Peers?.CloseAll();
        this.Ports.OnLinkClosed(connection);
        try
        {
            this.Disconnected?.Invoke(this, new DisconnectedEventArgs(reason));
        }
        catch (Exception ex)
        {
            Log.EventHandlerFailed(this.logger, nameof(this.Disconnected), ex);
        }
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private static Action<IpcRendererEvent, ReceivedArgs> Typed<T>(Action<IpcRendererEvent, T> listener)
    {
        if (listener is null)
        {
            throw new ArgumentNullException(nameof(listener));
        }

        return (e, a) => listener(e, a.GetForListener<T>(0));
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private async Task<TResult> InvokeCoreAsync<TResult>(string channel, object?[] args, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        this.Check(IpcOperation.Invoke, channel);
        TimeSpan? limit = this.options.TimeoutFor(channel, timeout, this.options.InvokeTimeout);
        ReadOnlyMemory<byte> payload = this.Connection.Serializer.SerializeArgs(args);
        ReadOnlyMemory<byte> result = await this.Connection.CallAsync(FrameKind.Invoke, channel, payload, null, limit, cancellationToken, out _).ConfigureAwait(false);
        return this.Connection.Serializer.Deserialize<TResult>(result, $"the result of '{channel}'", soleReader: true);
    }

    private void AddHandler(string channel, HandlerRegistry<IpcRendererInvokeEvent>.UnaryHandler handler, bool once)
    {
        this.Check(IpcOperation.Handle, channel);
        this.handlers.Add(channel, handler, once);
    }

    private IpcRenderer AddListener(string channel, Delegate original, Action<IpcRendererEvent, IpcArgs> invoke, bool once)
    {
        this.Check(IpcOperation.Receive, channel);
        this.listeners.Add(channel, original, invoke, once);
        return this;
    }

    private IpcRenderer AddListener(string channel, Delegate original, Action<IpcRendererEvent, ReceivedArgs> invoke, bool once)
    {
        this.Check(IpcOperation.Receive, channel);
        this.listeners.AddTyped(channel, original, invoke, once);
        return this;
    }

    private void Check(IpcOperation operation, string channel)
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
}
