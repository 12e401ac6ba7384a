using System;
using System.Collections.Generic;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <content>Sends and invokes on typed channels (<see cref="IpcChannel{T}"/>, <see cref="IpcInvokeChannel{TRequest, TResponse}"/>).</content>
public sealed partial class WebContents
{
    /// <summary>Sends a one-way message on <paramref name="channel"/> to this endpoint's <see cref="IpcRenderer"/> listeners.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message; serialized before this returns.</param>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it receive on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed.</exception>
    public void Send<T>(IpcChannel<T> channel, T message)
    {
        string name = NameOf(channel);
        this.CheckReceive(name, IpcOperation.Receive);
        this.SendPayload(name, PayloadSerializer.SerializeArg(message, channel.ResolveTypeInfo(this.Connection.Serializer)));
    }

    /// <summary>
    /// Invokes the endpoint's handler for <paramref name="channel"/>
    /// (<see cref="IpcRenderer.Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcRendererInvokeEvent, TRequest, Task{TResponse}})"/>)
    /// and awaits its response. Always bounded: by the channel's <see cref="IpcInvokeChannel.Timeout"/>, else
    /// <see cref="IpcBridgeOptions.MainInvokeTimeout"/>.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the endpoint's allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's <see cref="IpcRendererInvokeEvent.CancellationToken"/> there.</param>
    /// <returns>The handler's response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The channel's time limit is <see cref="Timeout.InfiniteTimeSpan"/>, which an invoke from main may not use.</exception>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it handle <paramref name="channel"/>.</exception>
    /// <exception cref="IpcTimeoutException">No answer came in time; the handler's token was cancelled.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered there, or it threw (its type, message and stack are kept).</exception>
    /// <exception cref="IpcSerializationException">The request or the response cannot be (de)serialized.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed, or went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<TResponse> InvokeAsync<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, TRequest request, CancellationToken cancellationToken = default)
        => this.InvokeTypedAsync(channel, request, (channel ?? throw new ArgumentNullException(nameof(channel))).Timeout, cancellationToken);

    /// <summary>Invokes the endpoint's handler for <paramref name="channel"/> with a time limit for this call.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="channel">The channel; the endpoint's allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="request">The request.</param>
    /// <param name="timeout">How long to wait; positive and finite. Overrides the channel's <see cref="IpcInvokeChannel.Timeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait here and the handler's token there.</param>
    /// <returns>The handler's response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive and finite.</exception>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it handle <paramref name="channel"/>.</exception>
    /// <exception cref="IpcTimeoutException">No answer came within <paramref name="timeout"/>.</exception>
    /// <exception cref="IpcInvocationException">No handler is registered there, or it threw.</exception>
    /// <exception cref="IpcSerializationException">The request or the response cannot be (de)serialized.</exception>
    /// <exception cref="IpcDisconnectedException">The endpoint is destroyed, or went away before answering.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<TResponse> InvokeAsync<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
        => this.InvokeTypedAsync(channel, request, timeout, cancellationToken);

    /// <summary>
    /// Invokes the endpoint's stream handler for <paramref name="channel"/>
    /// (<see cref="IpcRenderer.HandleStream{TRequest, TItem}(IpcStreamChannel{TRequest, TItem}, Func{IpcRendererInvokeEvent, TRequest, IAsyncEnumerable{TItem}})"/>)
    /// and reads its items as they come, with back-pressure; disposing the enumerator early stops the handler. The
    /// endpoint going away ends the enumeration with <see cref="IpcDisconnectedException"/>.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="channel">The channel; the endpoint's allowlist must grant <see cref="IpcOperation.Handle"/> on it.</param>
    /// <param name="request">The request.</param>
    /// <returns>The items.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The endpoint's allowlist does not let it handle <paramref name="channel"/> (thrown at once).</exception>
    /// <exception cref="IpcSerializationException">The request cannot be serialized (thrown at once), or an item cannot be read.</exception>
    /// <exception cref="IpcInvocationException">While enumerating: no stream handler there, or it threw.</exception>
    public IAsyncEnumerable<TItem> InvokeStream<TRequest, TItem>(IpcStreamChannel<TRequest, TItem> channel, TRequest request)
    {
        string name = NameOf(channel);
        this.CheckReceive(name, IpcOperation.Handle);
        PayloadSerializer serializer = this.Connection.Serializer;
        ReadOnlyMemory<byte> payload = PayloadSerializer.SerializeArg(request, channel.ResolveRequest(serializer));
        JsonTypeInfo<TItem> itemInfo = channel.ResolveItem(serializer);
        return StreamCalls.ReadAsync(this.Connection, name, payload, this.owner.Options.StreamWindow, item => PayloadSerializer.Deserialize(item, itemInfo, $"an item of '{name}'", soleReader: true));
    }

    private static string NameOf(IIpcChannel channel) => (channel ?? throw new ArgumentNullException(nameof(channel))).Name;

    private Task<TResponse> InvokeTypedAsync<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, TRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        string name = NameOf(channel);
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"An invoke from main is always bounded: '{name}' needs a finite time limit.");
        }

        return this.InvokeTypedCoreAsync(channel, name, request, timeout, cancellationToken);
    }

    private async Task<TResponse> InvokeTypedCoreAsync<TRequest, TResponse>(IpcInvokeChannel<TRequest, TResponse> channel, string name, TRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        this.CheckReceive(name, IpcOperation.Handle);
        TimeSpan? limit = this.owner.Options.TimeoutFor(name, timeout, this.owner.Options.MainInvokeTimeout);
        PayloadSerializer serializer = this.Connection.Serializer;
        ReadOnlyMemory<byte> payload = PayloadSerializer.SerializeArg(request, channel.ResolveRequest(serializer));
        JsonTypeInfo<TResponse> responseInfo = channel.ResolveResponse(serializer);
        this.ThrowIfDestroyed();
        ReadOnlyMemory<byte> result = await this.Connection.CallAsync(FrameKind.Invoke, name, payload, null, limit, cancellationToken, out _).ConfigureAwait(false);
        return PayloadSerializer.Deserialize(result, responseInfo, $"the result of '{name}'", soleReader: true);
    }
}
