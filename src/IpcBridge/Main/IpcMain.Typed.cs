using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;

namespace IpcBridge;

/// <content>Listeners and handlers for typed channels (<see cref="IpcChannel{T}"/>, <see cref="IpcInvokeChannel{TRequest, TResponse}"/>).</content>
public sealed partial class IpcMain
{
    /// <summary>Adds a listener for messages on <paramref name="channel"/>; each message is read as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener. A message that does not read as <typeparamref name="T"/> is logged and skipped.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="listener"/> is <see langword="null"/>.</exception>
    public IpcMain On<T>(IpcChannel<T> channel, Action<IpcMainEvent, T> listener)
        => this.AddTypedListener(channel, listener, once: false);

    /// <summary>Adds a listener that runs for the next message on <paramref name="channel"/> only.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="listener"/> is <see langword="null"/>.</exception>
    public IpcMain Once<T>(IpcChannel<T> channel, Action<IpcMainEvent, T> listener)
        => this.AddTypedListener(channel, listener, once: true);

    /// <summary>Removes the most recently added registration of <paramref name="listener"/> on <paramref name="channel"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener given to <c>On</c> or <c>Once</c>.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="listener"/> is <see langword="null"/>.</exception>
    public IpcMain RemoveListener<T>(IpcChannel<T> channel, Action<IpcMainEvent, T> listener)
        => this.Remove(NameOf(channel), listener);

    /// <summary>Registers the handler for invokes on <paramref name="channel"/> that answers synchronously.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void Handle<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, TResponse> handler)
        => this.AddTypedHandler(channel, handler, once: false);

    /// <summary>Registers the handler for invokes on <paramref name="channel"/>; the returned task is awaited.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda converts to Task<T> and ValueTask<T> alike; the idiomatic async lambda must pick Task<T>.
    [OverloadResolutionPriority(1)]
    public void Handle<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, Task<TResponse>> handler)
        => this.AddTypedHandler(channel, handler, once: false);

    /// <summary>Registers the handler for invokes on <paramref name="channel"/>; the returned value task is awaited.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; its exception reaches the caller as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void Handle<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, ValueTask<TResponse>> handler)
        => this.AddTypedHandler(channel, handler, once: false);

    /// <summary>Like <see cref="Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcMainInvokeEvent, TRequest, TResponse})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleOnce<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, TResponse> handler)
        => this.AddTypedHandler(channel, handler, once: true);

    /// <summary>Like <see cref="Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcMainInvokeEvent, TRequest, Task{TResponse}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [OverloadResolutionPriority(1)]
    public void HandleOnce<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, Task<TResponse>> handler)
        => this.AddTypedHandler(channel, handler, once: true);

    /// <summary>Like <see cref="Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcMainInvokeEvent, TRequest, ValueTask{TResponse}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleOnce<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, ValueTask<TResponse>> handler)
        => this.AddTypedHandler(channel, handler, once: true);

    /// <summary>
    /// Registers the handler that answers <see cref="IpcRenderer.InvokeStream{TRequest, TItem}(IpcStreamChannel{TRequest, TItem}, TRequest)"/>
    /// on <paramref name="channel"/> with a stream of items, sent as the caller consumes them; the caller stopping early
    /// or going away cancels <see cref="IpcMainInvokeEvent.CancellationToken"/> and ends the enumeration.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">The handler; an exception it throws ends the caller's stream with <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleStream<TRequest, TItem>(IpcStreamChannel<TRequest, TItem> channel, Func<IpcMainInvokeEvent, TRequest, IAsyncEnumerable<TItem>> handler)
    {
        string name = NameOf(channel);
        this.handlers.Add(name, TypedHandlers<IpcMainInvokeEvent>.WrapStream(channel.ResolveRequest(this.serializer), channel.ResolveItem(this.serializer), name, handler), once: false);
    }

    /// <summary>Removes the handler of <paramref name="channel"/>, if any.</summary>
    /// <param name="channel">The channel.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public void RemoveHandler(IpcInvokeChannel channel) => this.RemoveHandler(NameOf(channel));

    /// <summary>Removes the stream handler of <paramref name="channel"/>, if any.</summary>
    /// <param name="channel">The channel.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public void RemoveHandler(IpcStreamChannel channel) => this.RemoveHandler(NameOf(channel));

    /// <summary>Gets a value indicating whether a handler is registered for <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns><see langword="true"/> when one is.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public bool HasHandler(IpcInvokeChannel channel) => this.HasHandler(NameOf(channel));

    /// <summary>Gets the number of listeners registered for <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public int ListenerCount(IpcChannel channel) => this.ListenerCount(NameOf(channel));

    private static string NameOf(IIpcChannel channel) => (channel ?? throw new ArgumentNullException(nameof(channel))).Name;

    private IpcMain AddTypedListener<T>(IpcChannel<T> channel, Action<IpcMainEvent, T> listener, bool once)
    {
        string name = NameOf(channel);
        if (listener is null)
        {
            throw new ArgumentNullException(nameof(listener));
        }

        JsonTypeInfo<T> typeInfo = channel.ResolveTypeInfo(this.serializer);
        this.listeners.AddTyped(name, listener, (e, a) => listener(e, a.GetForListener(0, typeInfo)), once);
        return this;
    }

    private void AddTypedHandler<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, TResponse> handler, bool once)
    {
        string name = NameOf(channel);
        this.handlers.Add(name, TypedHandlers<IpcMainInvokeEvent>.Wrap(channel.ResolveRequest(this.serializer), channel.ResolveResponse(this.serializer), handler), once);
    }

    private void AddTypedHandler<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, Task<TResponse>> handler, bool once)
    {
        string name = NameOf(channel);
        this.handlers.Add(name, TypedHandlers<IpcMainInvokeEvent>.Wrap(channel.ResolveRequest(this.serializer), channel.ResolveResponse(this.serializer), name, handler), once);
    }

    private void AddTypedHandler<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcMainInvokeEvent, TRequest, ValueTask<TResponse>> handler, bool once)
    {
        string name = NameOf(channel);
        this.handlers.Add(name, TypedHandlers<IpcMainInvokeEvent>.Wrap(channel.ResolveRequest(this.serializer), channel.ResolveResponse(this.serializer), handler), once);
    }
}
