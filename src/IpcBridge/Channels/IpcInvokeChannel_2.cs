using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// A request/response channel: <see cref="IpcRenderer.InvokeAsync{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, TRequest, CancellationToken)"/>
/// sends a <typeparamref name="TRequest"/> and gets a <typeparamref name="TResponse"/> from the handler registered with
/// <see cref="IpcMain.Handle{TRequest, TResponse}(IpcInvokeChannel{TRequest, TResponse}, Func{IpcMainInvokeEvent, TRequest, Task{TResponse}})"/>.
/// A request or a handler of the wrong type is a compile error.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <remarks>
/// <para>
/// The request travels as a one-element argument array and the response as one JSON value, exactly as
/// <c>InvokeAsync(name, request)</c> and an untyped handler's result would, so typed and untyped endpoints interoperate.
/// </para>
/// <para>
/// Created with <see cref="JsonTypeInfo{T}"/>s from a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>,
/// the channel serializes through that source-generated metadata and is safe to use in trimmed and Native AOT
/// applications. Instances are immutable and thread-safe; declare them once, as static fields shared by both sides.
/// </para>
/// </remarks>
public sealed class IpcInvokeChannel<TRequest, TResponse> : IpcInvokeChannel
{
    /// <summary>Creates a channel that serializes with the given metadata (trimming- and AOT-safe).</summary>
    /// <param name="name">The channel name; must not be empty or contain <c>*</c>.</param>
    /// <param name="requestTypeInfo">The request's metadata, typically <c>MyJsonContext.Default.MyRequest</c>.</param>
    /// <param name="responseTypeInfo">The response's metadata.</param>
    /// <param name="timeout">The default time a call may take, or <see langword="null"/> for the endpoint's default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or a type info is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>*</c>, or a type cannot cross an IPC boundary.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative (other than <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>) or too large.</exception>
    public IpcInvokeChannel(string name, JsonTypeInfo<TRequest> requestTypeInfo, JsonTypeInfo<TResponse> responseTypeInfo, TimeSpan? timeout = null)
        : base(name, timeout)
    {
        ValidateTypes();
        this.RequestTypeInfo = requestTypeInfo ?? throw new ArgumentNullException(nameof(requestTypeInfo));
        this.ResponseTypeInfo = responseTypeInfo ?? throw new ArgumentNullException(nameof(responseTypeInfo));
    }

    /// <summary>
    /// Creates a channel that serializes with the endpoint's <see cref="IpcBridgeOptions.SerializerOptions"/>
    /// (reflection-based unless those options carry a source-generated resolver).
    /// </summary>
    /// <param name="name">The channel name; must not be empty or contain <c>*</c>.</param>
    /// <param name="timeout">The default time a call may take, or <see langword="null"/> for the endpoint's default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>*</c>, or a type cannot cross an IPC boundary.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative (other than <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>) or too large.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.DescriptorUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DescriptorDynamicCode)]
    public IpcInvokeChannel(string name, TimeSpan? timeout = null)
        : base(name, timeout)
    {
        ValidateTypes();
    }

    /// <summary>Gets the request's source-generated metadata, or <see langword="null"/> when the channel uses the endpoint's serializer options.</summary>
    public JsonTypeInfo<TRequest>? RequestTypeInfo { get; }

    /// <summary>Gets the response's source-generated metadata, or <see langword="null"/> when the channel uses the endpoint's serializer options.</summary>
    public JsonTypeInfo<TResponse>? ResponseTypeInfo { get; }

    /// <inheritdoc />
    public override Type RequestType => typeof(TRequest);

    /// <inheritdoc />
    public override Type ResponseType => typeof(TResponse);

    /// <summary>Gets the request's metadata on an endpoint using <paramref name="serializer"/>.</summary>
    internal JsonTypeInfo<TRequest> ResolveRequest(PayloadSerializer serializer) => this.RequestTypeInfo ?? ReflectionFallback.GetTypeInfo<TRequest>(serializer);

    /// <summary>Gets the response's metadata on an endpoint using <paramref name="serializer"/>.</summary>
    internal JsonTypeInfo<TResponse> ResolveResponse(PayloadSerializer serializer) => this.ResponseTypeInfo ?? ReflectionFallback.GetTypeInfo<TResponse>(serializer);

    private static void ValidateTypes()
    {
        IpcChannel.ValidatePayloadType(typeof(TRequest), nameof(TRequest));
        IpcChannel.ValidatePayloadType(typeof(TResponse), nameof(TResponse));
    }
}
