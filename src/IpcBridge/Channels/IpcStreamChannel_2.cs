using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// A channel whose handler answers a <typeparamref name="TRequest"/> with a stream of <typeparamref name="TItem"/>s:
/// register the handler with <c>HandleStream</c> and read the items with <c>InvokeStream</c> on the other side, with
/// back-pressure and early stop as for the untyped stream calls. A request, handler or item of the wrong type is a
/// compile error.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TItem">The item type.</typeparam>
/// <remarks>
/// The request travels as a one-element argument array and each item as one JSON value, as the untyped
/// <c>InvokeStream(name, request)</c> and <c>HandleStream</c> do, so typed and untyped endpoints interoperate. Created
/// with <see cref="JsonTypeInfo{T}"/>s from a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>, the
/// channel needs no reflection (trimming- and AOT-safe). Immutable and thread-safe.
/// </remarks>
public sealed class IpcStreamChannel<TRequest, TItem> : IpcStreamChannel
{
    /// <summary>Creates a channel that serializes with the given metadata (trimming- and AOT-safe).</summary>
    /// <param name="name">The channel name; must not be empty or contain <c>*</c>.</param>
    /// <param name="requestTypeInfo">The request's metadata, typically <c>MyJsonContext.Default.MyRequest</c>.</param>
    /// <param name="itemTypeInfo">The items' metadata.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or a type info is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>*</c>, or a type cannot cross an IPC boundary.</exception>
    public IpcStreamChannel(string name, JsonTypeInfo<TRequest> requestTypeInfo, JsonTypeInfo<TItem> itemTypeInfo)
        : base(name)
    {
        ValidateTypes();
        this.RequestTypeInfo = requestTypeInfo ?? throw new ArgumentNullException(nameof(requestTypeInfo));
        this.ItemTypeInfo = itemTypeInfo ?? throw new ArgumentNullException(nameof(itemTypeInfo));
    }

    /// <summary>
    /// Creates a channel that serializes with the endpoint's <see cref="IpcBridgeOptions.SerializerOptions"/>
    /// (reflection-based unless those options carry a source-generated resolver).
    /// </summary>
    /// <param name="name">The channel name; must not be empty or contain <c>*</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>*</c>, or a type cannot cross an IPC boundary.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.DescriptorUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DescriptorDynamicCode)]
    public IpcStreamChannel(string name)
        : base(name)
    {
        ValidateTypes();
    }

    /// <summary>Gets the request's source-generated metadata, or <see langword="null"/> when the channel uses the endpoint's serializer options.</summary>
    public JsonTypeInfo<TRequest>? RequestTypeInfo { get; }

    /// <summary>Gets the items' source-generated metadata, or <see langword="null"/> when the channel uses the endpoint's serializer options.</summary>
    public JsonTypeInfo<TItem>? ItemTypeInfo { get; }

    /// <inheritdoc />
    public override Type RequestType => typeof(TRequest);

    /// <inheritdoc />
    public override Type ItemType => typeof(TItem);

    /// <summary>Gets the request's metadata on an endpoint using <paramref name="serializer"/>.</summary>
    internal JsonTypeInfo<TRequest> ResolveRequest(PayloadSerializer serializer) => this.RequestTypeInfo ?? ReflectionFallback.GetTypeInfo<TRequest>(serializer);

    /// <summary>Gets the items' metadata on an endpoint using <paramref name="serializer"/>.</summary>
    internal JsonTypeInfo<TItem> ResolveItem(PayloadSerializer serializer) => this.ItemTypeInfo ?? ReflectionFallback.GetTypeInfo<TItem>(serializer);

    private static void ValidateTypes()
    {
        IpcChannel.ValidatePayloadType(typeof(TRequest), nameof(TRequest));
        IpcChannel.ValidatePayloadType(typeof(TItem), nameof(TItem));
    }
}
