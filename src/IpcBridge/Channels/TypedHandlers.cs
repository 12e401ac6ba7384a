using System;
using System.Collections.Generic;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// Turns a typed handler (request in, response out) into the registry's untyped one: the request is argument 0 read
/// with the channel's request metadata, the response is written with its response metadata. No reflection.
/// </summary>
/// <typeparam name="TEvent">What the handler receives with the call.</typeparam>
internal static class TypedHandlers<TEvent>
    where TEvent : class
{
    public static HandlerRegistry<TEvent>.UnaryHandler Wrap<TRequest, TResponse>(JsonTypeInfo<TRequest> request, JsonTypeInfo<TResponse> response, Func<TEvent, TRequest, TResponse> handler)
    {
        Check(handler);
        return (e, a) => new ValueTask<ReadOnlyMemory<byte>>(PayloadSerializer.SerializeValue(handler(e, a.GetAsOnlyReader(0, request)), response));
    }

    public static HandlerRegistry<TEvent>.UnaryHandler Wrap<TRequest, TResponse>(JsonTypeInfo<TRequest> request, JsonTypeInfo<TResponse> response, string channel, Func<TEvent, TRequest, Task<TResponse>> handler)
    {
        Check(handler);
        return (e, a) =>
        {
            Task<TResponse> task = handler(e, a.GetAsOnlyReader(0, request)) ?? throw new InvalidOperationException($"The handler for '{channel}' returned a null task.");
            return task.Status == TaskStatus.RanToCompletion
                ? new ValueTask<ReadOnlyMemory<byte>>(PayloadSerializer.SerializeValue(task.Result, response))
                : AwaitAsync(task, response);
        };

        static async ValueTask<ReadOnlyMemory<byte>> AwaitAsync(Task<TResponse> task, JsonTypeInfo<TResponse> response)
            => PayloadSerializer.SerializeValue(await task.ConfigureAwait(false), response);
    }

    public static HandlerRegistry<TEvent>.UnaryHandler Wrap<TRequest, TResponse>(JsonTypeInfo<TRequest> request, JsonTypeInfo<TResponse> response, Func<TEvent, TRequest, ValueTask<TResponse>> handler)
    {
        Check(handler);
        return (e, a) =>
        {
            ValueTask<TResponse> task = handler(e, a.GetAsOnlyReader(0, request));
            return task.IsCompletedSuccessfully
                ? new ValueTask<ReadOnlyMemory<byte>>(PayloadSerializer.SerializeValue(task.Result, response))
                : AwaitAsync(task, response);
        };

        static async ValueTask<ReadOnlyMemory<byte>> AwaitAsync(ValueTask<TResponse> task, JsonTypeInfo<TResponse> response)
            => PayloadSerializer.SerializeValue(await task.ConfigureAwait(false), response);
    }

    public static HandlerRegistry<TEvent>.StreamHandler WrapStream<TRequest, TItem>(JsonTypeInfo<TRequest> request, JsonTypeInfo<TItem> item, string channel, Func<TEvent, TRequest, IAsyncEnumerable<TItem>> handler)
    {
        Check(handler);
        return async (e, a, emit, cancellationToken) =>
        {
            IAsyncEnumerable<TItem> items = handler(e, a.GetAsOnlyReader(0, request)) ?? throw new InvalidOperationException($"The stream handler for '{channel}' returned null.");
            await foreach (TItem value in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await emit(PayloadSerializer.SerializeValue(value, item), cancellationToken).ConfigureAwait(false);
            }
        };
    }

    private static void Check(Delegate handler)
    {
        if (handler is null)
        {
            throw new ArgumentNullException(nameof(handler));
        }
    }
}
