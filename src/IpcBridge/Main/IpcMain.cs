using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Protocol;
using IpcBridge.Serialization;
using Microsoft.Extensions.Logging;

namespace IpcBridge;

/// <summary>
/// The main process's side of IPC, as Electron's <c>ipcMain</c>: listeners for one-way and sync messages
/// (<see cref="On(string, Action{IpcMainEvent, IpcArgs})"/>) and handlers for invokes
/// (<see cref="Handle{TResult}(string, Func{IpcMainInvokeEvent, IpcArgs, Task{TResult}})"/>).
/// </summary>
/// <remarks>
/// <para>
/// There is one for all endpoints (<see cref="MainProcess.IpcMain"/>) and one scoped to each endpoint
/// (<see cref="WebContents.Ipc"/>, Electron's <c>webContents.ipc</c>). A message from an endpoint reaches the
/// listeners of its scoped instance first, then main's, with the same event; an invoke is answered by the scoped
/// instance's handler when it has one for the channel, else by main's. A scoped instance is emptied when its endpoint
/// is destroyed, and drops what is registered on it afterwards.
/// </para>
/// <para>
/// Thread-safe. Listeners and handlers run on main's dispatch loop, one message at a time, in the order each
/// sender sent them; an async handler's continuations run on the thread pool. Registration methods return this
/// instance for chaining.
/// </para>
/// </remarks>
public sealed partial class IpcMain : IIpcCapability
{
    private readonly ListenerRegistry<IpcMainEvent> listeners = new();
    private readonly HandlerRegistry<IpcMainInvokeEvent> handlers = new();
    private readonly PayloadSerializer serializer;
    private readonly ILogger logger;

    internal IpcMain(PayloadSerializer serializer, ILogger logger)
    {
        this.serializer = serializer;
        this.logger = logger;
    }

    /// <summary>Adds a listener for <paramref name="channel"/>; it receives the raw arguments.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    public IpcMain On(string channel, Action<IpcMainEvent, IpcArgs> listener)
        => this.AddListener(channel, listener, listener, once: false);

    /// <summary>Adds a listener for <paramref name="channel"/> that receives the first argument as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The first argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IpcMain On<T>(string channel, Action<IpcMainEvent, T> listener)
        => this.AddListener(channel, listener, Typed(listener), once: false);

    /// <summary>Adds a listener for <paramref name="channel"/> that receives the first two arguments typed.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IpcMain On<T1, T2>(string channel, Action<IpcMainEvent, T1, T2> listener)
        => this.AddListener(channel, listener, Typed(listener), once: false);

    /// <summary>Adds a listener that runs for the next message on <paramref name="channel"/> only.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    public IpcMain Once(string channel, Action<IpcMainEvent, IpcArgs> listener)
        => this.AddListener(channel, listener, listener, once: true);

    /// <summary>Adds a typed listener that runs for the next message on <paramref name="channel"/> only.</summary>
    /// <typeparam name="T">The first argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IpcMain Once<T>(string channel, Action<IpcMainEvent, T> listener)
        => this.AddListener(channel, listener, Typed(listener), once: true);

    /// <summary>Adds a typed listener that runs for the next message on <paramref name="channel"/> only.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public IpcMain Once<T1, T2>(string channel, Action<IpcMainEvent, T1, T2> listener)
        => this.AddListener(channel, listener, Typed(listener), once: true);

    /// <summary>Removes the most recently added registration of <paramref name="listener"/> on <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener given to <c>On</c> or <c>Once</c>.</param>
    /// <returns>This instance.</returns>
    public IpcMain RemoveListener(string channel, Action<IpcMainEvent, IpcArgs> listener) => this.Remove(channel, listener);

    /// <summary>Removes the most recently added registration of a typed <paramref name="listener"/>.</summary>
    /// <typeparam name="T">The first argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener given to <c>On</c> or <c>Once</c>.</param>
    /// <returns>This instance.</returns>
    public IpcMain RemoveListener<T>(string channel, Action<IpcMainEvent, T> listener) => this.Remove(channel, listener);

    /// <summary>Removes the most recently added registration of a typed <paramref name="listener"/>.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener given to <c>On</c> or <c>Once</c>.</param>
    /// <returns>This instance.</returns>
    public IpcMain RemoveListener<T1, T2>(string channel, Action<IpcMainEvent, T1, T2> listener) => this.Remove(channel, listener);

    /// <summary>Removes every listener of <paramref name="channel"/>, or of every channel when it is <see langword="null"/>.</summary>
    /// <param name="channel">The channel, or <see langword="null"/> for all.</param>
    /// <returns>This instance.</returns>
    public IpcMain RemoveAllListeners(string? channel = null)
    {
        this.listeners.RemoveAll(channel);
        return this;
    }

    /// <summary>Gets the number of listeners registered for <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>The count.</returns>
    public int ListenerCount(string channel) => this.listeners.Count(channel);

    /// <summary>Registers the handler for invokes on <paramref name="channel"/> that returns a value synchronously.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TResult>(string channel, Func<IpcMainInvokeEvent, IpcArgs, TResult> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(this.serializer, channel, handler), once: false);

    /// <summary>Registers the handler for invokes on <paramref name="channel"/>; the returned task is awaited.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda converts to Task<T> and ValueTask<T> alike, which the compiler would call ambiguous; the
    // idiomatic Handle(channel, async (e, a) => ...) must pick Task<T>.
    [OverloadResolutionPriority(1)]
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TResult>(string channel, Func<IpcMainInvokeEvent, IpcArgs, Task<TResult>> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(this.serializer, channel, handler), once: false);

    /// <summary>Registers the handler for invokes on <paramref name="channel"/>; the returned value task is awaited.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TResult>(string channel, Func<IpcMainInvokeEvent, IpcArgs, ValueTask<TResult>> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(this.serializer, channel, handler), once: false);

    /// <summary>Registers a handler with no result for invokes on <paramref name="channel"/>; the caller receives <see langword="null"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; the returned task is awaited, and its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda with no result converts to Task and ValueTask alike; the idiomatic async lambda must pick Task.
    [OverloadResolutionPriority(1)]
    public void Handle(string channel, Func<IpcMainInvokeEvent, IpcArgs, Task> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(channel, handler), once: false);

    /// <summary>Registers a handler with no result for invokes on <paramref name="channel"/>; the returned value task is awaited and the caller receives <see langword="null"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void Handle(string channel, Func<IpcMainInvokeEvent, IpcArgs, ValueTask> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(channel, handler), once: false);

    /// <summary>Registers a synchronous handler with no result for invokes on <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void Handle(string channel, Action<IpcMainInvokeEvent, IpcArgs> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(channel, handler), once: false);

    /// <summary>Registers a handler whose first argument is read as <typeparamref name="TArg"/>.</summary>
    /// <typeparam name="TArg">The first argument's type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda converts to Task<T> and ValueTask<T> alike; the idiomatic async lambda must pick Task<T>.
    [OverloadResolutionPriority(1)]
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TArg, TResult>(string channel, Func<IpcMainInvokeEvent, TArg, Task<TResult>> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap<TResult>(this.serializer, channel, Typed(handler)), once: false);

    /// <summary>Registers a handler whose first argument is read as <typeparamref name="TArg"/>; the returned value task is awaited.</summary>
    /// <typeparam name="TArg">The first argument's type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TArg, TResult>(string channel, Func<IpcMainInvokeEvent, TArg, ValueTask<TResult>> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap<TResult>(this.serializer, channel, Typed(handler)), once: false);

    /// <summary>Registers a synchronous handler whose first argument is read as <typeparamref name="TArg"/>.</summary>
    /// <typeparam name="TArg">The first argument's type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void Handle<TArg, TResult>(string channel, Func<IpcMainInvokeEvent, TArg, TResult> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap<TResult>(this.serializer, channel, Typed(handler)), once: false);

    /// <summary>Like <see cref="Handle{TResult}(string, Func{IpcMainInvokeEvent, IpcArgs, TResult})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleOnce<TResult>(string channel, Func<IpcMainInvokeEvent, IpcArgs, TResult> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(this.serializer, channel, handler), once: true);

    /// <summary>Like <see cref="Handle{TResult}(string, Func{IpcMainInvokeEvent, IpcArgs, Task{TResult}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda converts to Task<T> and ValueTask<T> alike, which the compiler would call ambiguous; the
    // idiomatic Handle(channel, async (e, a) => ...) must pick Task<T>.
    [OverloadResolutionPriority(1)]
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleOnce<TResult>(string channel, Func<IpcMainInvokeEvent, IpcArgs, Task<TResult>> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(this.serializer, channel, handler), once: true);

    /// <summary>Like <see cref="Handle{TResult}(string, Func{IpcMainInvokeEvent, IpcArgs, ValueTask{TResult}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleOnce<TResult>(string channel, Func<IpcMainInvokeEvent, IpcArgs, ValueTask<TResult>> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(this.serializer, channel, handler), once: true);

    /// <summary>Like <see cref="Handle(string, Func{IpcMainInvokeEvent, IpcArgs, Task})"/>, removed after its first invoke.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [OverloadResolutionPriority(1)]
    public void HandleOnce(string channel, Func<IpcMainInvokeEvent, IpcArgs, Task> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(channel, handler), once: true);

    /// <summary>Like <see cref="Handle(string, Func{IpcMainInvokeEvent, IpcArgs, ValueTask})"/>, removed after its first invoke.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleOnce(string channel, Func<IpcMainInvokeEvent, IpcArgs, ValueTask> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(channel, handler), once: true);

    /// <summary>Like <see cref="Handle(string, Action{IpcMainInvokeEvent, IpcArgs})"/>, removed after its first invoke.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleOnce(string channel, Action<IpcMainInvokeEvent, IpcArgs> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.Wrap(channel, handler), once: true);

    /// <summary>
    /// Registers a handler that answers <see cref="IpcRenderer.InvokeStream{TItem}(string, object?[])"/> on
    /// <paramref name="channel"/> with a sequence of items. Items are sent as the caller consumes them (back-pressure:
    /// the handler's enumeration waits while the caller is <see cref="IpcBridgeOptions.StreamWindow"/> items behind);
    /// when the caller stops early or goes away, <see cref="IpcMainInvokeEvent.CancellationToken"/> is cancelled and the
    /// enumeration is ended.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; an exception it throws ends the caller's stream with <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public void HandleStream<TItem>(string channel, Func<IpcMainInvokeEvent, IpcArgs, IAsyncEnumerable<TItem>> handler)
        => this.handlers.Add(channel, HandlerRegistry<IpcMainInvokeEvent>.WrapStream(this.serializer, channel, handler), once: false);

    /// <summary>Removes the handler of <paramref name="channel"/>, if any.</summary>
    /// <param name="channel">The channel.</param>
    public void RemoveHandler(string channel) => this.handlers.Remove(channel);

    /// <summary>Gets a value indicating whether a handler is registered for <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns><see langword="true"/> when one is.</returns>
    public bool HasHandler(string channel) => this.handlers.Contains(channel);

    /// <summary>Makes the instance scoped to one endpoint (<see cref="WebContents.Ipc"/>): main's serializer and log.</summary>
    internal IpcMain CreateScoped() => new(this.serializer, this.logger);

    /// <summary>Removes every listener and handler of a scoped instance, whose endpoint is gone, and drops later ones.</summary>
    internal void Close()
    {
        this.listeners.Close();
        this.handlers.Close();
    }

    // The Dispatch methods run on main's instance; the sender's scoped instance (if it was ever asked for) comes first.
    internal void DispatchSend(WebContents sender, string channel, ReceivedArgs args, IReadOnlyList<MessagePortMain> ports)
    {
        var e = new IpcMainEvent(sender, channel, ports, null, 0);
        IpcMain? scoped = sender.ScopedIpc;
        int ran = scoped?.listeners.Emit(channel, e, args, scoped.logger) ?? 0;
        ran += this.listeners.Emit(channel, e, args, this.logger);
        if (ran == 0)
        {
            MessagePortMain.CloseUnclaimed(ports, channel, this.logger);
        }
    }

    internal void DispatchSendSync(WebContents sender, IpcConnection connection, Frame frame, ReceivedArgs args)
    {
        IpcMain? scoped = sender.ScopedIpc;
        if (this.listeners.Count(frame.Channel) == 0 && (scoped is null || scoped.listeners.Count(frame.Channel) == 0))
        {
            connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.NoHandler, Message = $"No listener registered for sync channel '{frame.Channel}'" });
            return;
        }

        var e = new IpcMainEvent(sender, frame.Channel, Array.Empty<MessagePortMain>(), connection, frame.CallId);

        // The listeners answer a call, so they run in a handler span, current for them as a handler's is.
        Activity? previous = Activity.Current;
        e.BeginSpan(Telemetry.StartHandler(frame.Channel, connection.EndpointId, frame.Trace));
        try
        {
            Exception? failure = null;
            scoped?.listeners.Emit(frame.Channel, e, args, scoped.logger, out failure);
            this.listeners.Emit(frame.Channel, e, args, this.logger, out Exception? mainFailure);
            failure ??= mainFailure;
            if (failure is not null)
            {
                // A listener threw before answering: the blocked sender learns it now, not after its timeout.
                e.TryFail(failure);
            }

            e.EndSpan(failure);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    internal void DispatchInvoke(WebContents sender, IpcConnection connection, Frame frame, IpcArgs args)
        => this.handlers.Dispatch(connection, frame, args, sender, static (from, channel, token) => new IpcMainInvokeEvent(from, channel, token), sender.ScopedIpc?.handlers);

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private static Func<IpcMainInvokeEvent, IpcArgs, TResult> Typed<TArg, TResult>(Func<IpcMainInvokeEvent, TArg, TResult> handler)
        => handler is null ? null! : (e, a) => handler(e, a.GetAsOnlyReader<TArg>(0));

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private static Action<IpcMainEvent, ReceivedArgs> Typed<T>(Action<IpcMainEvent, T> listener)
    {
        if (listener is null)
        {
            throw new ArgumentNullException(nameof(listener));
        }

        return (e, a) => listener(e, a.GetForListener<T>(0));
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private static Action<IpcMainEvent, ReceivedArgs> Typed<T1, T2>(Action<IpcMainEvent, T1, T2> listener)
    {
        if (listener is null)
        {
            throw new ArgumentNullException(nameof(listener));
        }

        return (e, a) => listener(e, a.GetForListener<T1>(0), a.GetForListener<T2>(1));
    }

    private IpcMain AddListener(string channel, Delegate original, Action<IpcMainEvent, IpcArgs> invoke, bool once)
    {
        this.listeners.Add(channel, original, invoke, once);
        return this;
    }

    private IpcMain AddListener(string channel, Delegate original, Action<IpcMainEvent, ReceivedArgs> invoke, bool once)
    {
        this.listeners.AddTyped(channel, original, invoke, once);
        return this;
    }

    private IpcMain Remove(string channel, Delegate listener)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        if (listener is null)
        {
            throw new ArgumentNullException(nameof(listener));
        }

        this.listeners.Remove(channel, listener);
        return this;
    }
}
