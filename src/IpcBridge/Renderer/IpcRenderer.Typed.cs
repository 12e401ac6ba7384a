using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <content>Sends, listeners, invokes and handlers for typed channels (<see cref="IpcChannel{T}"/>, <see cref="IpcInvokeChannel{TRequest, TResponse}"/>).</content>
public sealed partial class IpcRenderer
{
    /// <summary>Sends a one-way message on <paramref name="channel"/> to main's listeners.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message; serialized before this returns.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit sending on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcDisconnectedException">Main is gone.</exception>
    public void Send<T>(IpcChannel<T> channel, T message)
    {
        string name = NameOf(channel);
        this.Check(IpcOperation.Send, name);
        ReadOnlyMemory<byte> payload = PayloadSerializer.SerializeArg(message, channel.ResolveTypeInfo(this.Connection.Serializer));
        this.Connection.Write(new Frame(FrameKind.Send, 0, name, payload));
    }

    /// <summary>Adds a listener for messages from main on <paramref name="channel"/>; each message is read as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener. A message that does not read as <typeparamref name="T"/> is logged and skipped.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="listener"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit receiving on <paramref name="channel"/>.</exception>
    public IpcRenderer On<T>(IpcChannel<T> channel, Action<IpcRendererEvent, T> listener)
        => this.AddTypedListener(channel, listener, once: false);

    /// <summary>Adds a listener that runs for the next message on <paramref name="channel"/> only.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="listener"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit receiving on <paramref name="channel"/>.</exception>
    public IpcRenderer Once<T>(IpcChannel<T> channel, Action<IpcRendererEvent, T> listener)
        => this.AddTypedListener(channel, listener, once: true);

    /// <summary>Removes the most recently added registration of <paramref name="listener"/> on <paramref name="channel"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="listener">The listener given to <c>On</c> or <c>Once</c>.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="listener"/> is <see langword="null"/>.</exception>
    public IpcRenderer RemoveListener<T>(IpcChannel<T> channel, Action<IpcRendererEvent, T> listener)
    {
        this.listeners.Remove(NameOf(channel), listener ?? throw new ArgumentNullException(nameof(listener)));
        return this;
    }

    /// <summary>Gets the number of listeners registered for <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public int ListenerCount(IpcChannel channel) => this.ListenerCount(NameOf(channel));

    /// <summary>
    /// Invokes main's handler for <paramref name="channel"/> with <paramref name="request"/> and awaits its response
    /// (Electron's <c>ipcRenderer.invoke</c>). The time limit is the channel's <see cref="IpcInvokeChannel.Timeout"/>,
    /// else the endpoint's default.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's <see cref="IpcMainInvokeEvent.CancellationToken"/> in main.</param>
    /// <returns>The handler's response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist (here or in main) does not permit invoking <paramref name="channel"/>.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered, or the handler threw (its type, message and stack are kept).</exception>
    /// <exception cref="IpcSerializationException">The request or the response cannot be (de)serialized.</exception>
    /// <exception cref="IpcTimeoutException">No answer came within the channel's or the endpoint's time limit.</exception>
    /// <exception cref="IpcDisconnectedException">Main went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<TResponse> InvokeAsync<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, TRequest request, CancellationToken cancellationToken = default)
        => this.InvokeTypedAsync(channel, request, null, cancellationToken);

    /// <summary>Invokes main's handler for <paramref name="channel"/> with a time limit for this call.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="request">The request.</param>
    /// <param name="timeout">How long to wait for the answer, or <see cref="Timeout.InfiniteTimeSpan"/>; overrides the channel's <see cref="IpcInvokeChannel.Timeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's <see cref="IpcMainInvokeEvent.CancellationToken"/> in main.</param>
    /// <returns>The handler's response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is neither positive and finite nor <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist (here or in main) does not permit invoking <paramref name="channel"/>.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered, or the handler threw.</exception>
    /// <exception cref="IpcSerializationException">The request or the response cannot be (de)serialized.</exception>
    /// <exception cref="IpcTimeoutException">No answer came within <paramref name="timeout"/>; the handler's token was cancelled.</exception>
    /// <exception cref="IpcDisconnectedException">Main went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<TResponse> InvokeAsync<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
        => this.InvokeTypedAsync(channel, request, timeout, cancellationToken);

    /// <summary>Registers the handler for main's invokes on <paramref name="channel"/> (<see cref="WebContents.InvokeAsync{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, TRequest, CancellationToken)"/>), answering synchronously.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler; its exception reaches main as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void Handle<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcRendererInvokeEvent, TRequest, TResponse> handler)
        => this.AddTypedHandler(channel, (req, resp) => TypedHandlers<IpcRendererInvokeEvent>.Wrap(req, resp, handler), once: false);

    /// <summary>Registers the handler for main's invokes on <paramref name="channel"/>; the returned task is awaited.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler; its exception reaches main as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    // An async lambda converts to Task<T> and ValueTask<T> alike; the idiomatic async lambda must pick Task<T>.
    [OverloadResolutionPriority(1)]
    public void Handle<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcRendererInvokeEvent, TRequest, Task<TResponse>> handler)
        => this.AddTypedHandler(channel, (req, resp) => TypedHandlers<IpcRendererInvokeEvent>.Wrap(req, resp, channel.Name, handler), once: false);

    /// <summary>Registers the handler for main's invokes on <paramref name="channel"/>; the returned value task is awaited.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler; its exception reaches main as <see cref="IpcInvocationException"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void Handle<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcRendererInvokeEvent, TRequest, ValueTask<TResponse>> handler)
        => this.AddTypedHandler(channel, (req, resp) => TypedHandlers<IpcRendererInvokeEvent>.Wrap(req, resp, handler), once: false);

    /// <summary>Like <see cref="Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcRendererInvokeEvent, TRequest, TResponse})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleOnce<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcRendererInvokeEvent, TRequest, TResponse> handler)
        => this.AddTypedHandler(channel, (req, resp) => TypedHandlers<IpcRendererInvokeEvent>.Wrap(req, resp, handler), once: true);

    /// <summary>Like <see cref="Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcRendererInvokeEvent, TRequest, Task{TResponse}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    [OverloadResolutionPriority(1)]
    public void HandleOnce<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcRendererInvokeEvent, TRequest, Task<TResponse>> handler)
        => this.AddTypedHandler(channel, (req, resp) => TypedHandlers<IpcRendererInvokeEvent>.Wrap(req, resp, channel.Name, handler), once: true);

    /// <summary>Like <see cref="Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcRendererInvokeEvent, TRequest, ValueTask{TResponse}})"/>, removed after its first invoke.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleOnce<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, Func<IpcRendererInvokeEvent, TRequest, ValueTask<TResponse>> handler)
        => this.AddTypedHandler(channel, (req, resp) => TypedHandlers<IpcRendererInvokeEvent>.Wrap(req, resp, handler), once: true);

    /// <summary>
    /// Invokes main's stream handler for <paramref name="channel"/> and reads its items as they come. The call starts
    /// when enumeration starts; main's handler runs at most <see cref="IpcBridgeOptions.StreamWindow"/> items ahead of the
    /// reading; disposing the enumerator early, or cancelling it through <c>WithCancellation</c>, stops the handler.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="request">The request.</param>
    /// <returns>The items.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit invoking <paramref name="channel"/> (thrown at once).</exception>
    /// <exception cref="IpcSerializationException">The request cannot be serialized (thrown at once), or an item cannot be read.</exception>
    /// <exception cref="IpcInvocationException">While enumerating: no stream handler is registered, or it threw.</exception>
    /// <exception cref="IpcDisconnectedException">While enumerating: main went away; the stream ends with it.</exception>
    public IAsyncEnumerable<TItem> InvokeStream<TRequest, TItem>(IpcStreamChannel<TRequest, TItem> channel, TRequest request)
    {
        string name = NameOf(channel);
        this.Check(IpcOperation.Invoke, name);
        PayloadSerializer serializer = this.Connection.Serializer;
        ReadOnlyMemory<byte> payload = PayloadSerializer.SerializeArg(request, channel.ResolveRequest(serializer));
        JsonTypeInfo<TItem> itemInfo = channel.ResolveItem(serializer);
        return StreamCalls.ReadAsync(this.Connection, name, payload, this.options.StreamWindow, item => PayloadSerializer.Deserialize(item, itemInfo, $"an item of '{name}'", soleReader: true));
    }

    /// <summary>
    /// Registers the handler that answers main's <see cref="WebContents.InvokeStream{TRequest, TItem}(IpcStreamChannel{TRequest, TItem}, TRequest)"/>
    /// on <paramref name="channel"/> with a stream of items, sent as main consumes them; main stopping early or going
    /// away cancels <see cref="IpcRendererInvokeEvent.CancellationToken"/>.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel; the allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling <paramref name="channel"/>.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for the channel.</exception>
    public void HandleStream<TRequest, TItem>(IpcStreamChannel<TRequest, TItem> channel, Func<IpcRendererInvokeEvent, TRequest, IAsyncEnumerable<TItem>> handler)
    {
        string name = NameOf(channel);
        this.Check(IpcOperation.Handle, name);
        PayloadSerializer serializer = this.Connection.Serializer;
        this.handlers.Add(name, TypedHandlers<IpcRendererInvokeEvent>.WrapStream(channel.ResolveRequest(serializer), channel.ResolveItem(serializer), name, handler), once: false);
    }

    /// <summary>Removes the handler of <paramref name="channel"/>, if any.</summary>
    /// <param name="channel">The channel.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public void RemoveHandler(IpcInvokeChannel channel) => this.RemoveHandler(NameOf(channel));

    /// <summary>Removes the stream handler of <paramref name="channel"/>, if any.</summary>
    /// <param name="channel">The channel.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public void RemoveHandler(IpcStreamChannel channel) => this.RemoveHandler(NameOf(channel));

    private static string NameOf(IIpcChannel channel) => (channel ?? throw new ArgumentNullException(nameof(channel))).Name;

    private IpcRenderer AddTypedListener<T>(IpcChannel<T> channel, Action<IpcRendererEvent, T> listener, bool once)
    {
        string name = NameOf(channel);
        if (listener is null)
        {
            throw new ArgumentNullException(nameof(listener));
        }

        this.Check(IpcOperation.Receive, name);
        JsonTypeInfo<T> typeInfo = channel.ResolveTypeInfo(this.Connection.Serializer);
        this.listeners.AddTyped(name, listener, (e, a) => listener(e, a.GetForListener(0, typeInfo)), once);
        return this;
    }

    private void AddTypedHandler<TRequest, TResponse>(
        IpcInvokeChannel<TRequest, TResponse> channel,
        Func<JsonTypeInfo<TRequest>, JsonTypeInfo<TResponse>, HandlerRegistry<IpcRendererInvokeEvent>.UnaryHandler> wrap,
        bool once)
    {
        string name = NameOf(channel);
        PayloadSerializer serializer = this.Connection.Serializer;
        this.AddHandler(name, wrap(channel.ResolveRequest(serializer), channel.ResolveResponse(serializer)), once);
    }

    private async Task<TResponse> InvokeTypedAsync<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, TRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        string name = NameOf(channel);
        this.Check(IpcOperation.Invoke, name);
        TimeSpan? limit = this.options.TimeoutFor(name, timeout ?? channel.Timeout, this.options.InvokeTimeout);
        PayloadSerializer serializer = this.Connection.Serializer;
        ReadOnlyMemory<byte> payload = PayloadSerializer.SerializeArg(request, channel.ResolveRequest(serializer));
        JsonTypeInfo<TResponse> responseInfo = channel.ResolveResponse(serializer);
        ReadOnlyMemory<byte> result = await this.Connection.CallAsync(FrameKind.Invoke, name, payload, null, limit, cancellationToken, out _).ConfigureAwait(false);
        return PayloadSerializer.Deserialize(result, responseInfo, $"the result of '{name}'", soleReader: true);
    }
}
