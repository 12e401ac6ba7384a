using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// A one-way channel that carries a <typeparamref name="T"/>: pass it to <see cref="IpcRenderer.Send{T}(IpcChannel{T}, T)"/>,
/// <see cref="IpcMain.On{T}(IpcChannel{T}, Action{IpcMainEvent, T})"/>, <see cref="WebContents.Send{T}(IpcChannel{T}, T)"/>
/// and the rest instead of a channel name, and a message of the wrong type is a compile error.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
/// <remarks>
/// <para>
/// The message travels as a one-element argument array, exactly as <c>Send(name, message)</c> would send it, so a
/// typed endpoint and an untyped one talk to each other on the same channel.
/// </para>
/// <para>
/// Created with a <see cref="JsonTypeInfo{T}"/> from a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>
/// (<c>new IpcChannel&lt;Order&gt;("orders:new", AppJsonContext.Default.Order)</c>), the channel serializes through that
/// source-generated metadata and is safe to use in trimmed and Native AOT applications. Instances are immutable and
/// thread-safe; declare them once, as static fields shared by both sides.
/// </para>
/// </remarks>
public sealed class IpcChannel<T> : IpcChannel
{
    /// <summary>Creates a channel that serializes its message with <paramref name="typeInfo"/> (trimming- and AOT-safe).</summary>
    /// <param name="name">The channel name; must not be empty or contain <c>*</c>.</param>
    /// <param name="typeInfo">The message's metadata, typically <c>MyJsonContext.Default.MyType</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="typeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>*</c>, or <typeparamref name="T"/> cannot cross an IPC boundary (a delegate, task, stream, port...).</exception>
    public IpcChannel(string name, JsonTypeInfo<T> typeInfo)
        : base(name)
    {
        ValidatePayloadType(typeof(T), nameof(T));
        this.TypeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
    }

    /// <summary>
    /// Creates a channel that serializes its message with the endpoint's <see cref="IpcBridgeOptions.SerializerOptions"/>
    /// (reflection-based unless those options carry a source-generated resolver).
    /// </summary>
    /// <param name="name">The channel name; must not be empty or contain <c>*</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains <c>*</c>, or <typeparamref name="T"/> cannot cross an IPC boundary.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.DescriptorUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DescriptorDynamicCode)]
    public IpcChannel(string name)
        : base(name)
    {
        ValidatePayloadType(typeof(T), nameof(T));
    }

    /// <summary>Gets the message's source-generated metadata, or <see langword="null"/> when the channel uses the endpoint's serializer options.</summary>
    public JsonTypeInfo<T>? TypeInfo { get; }

    /// <inheritdoc />
    public override Type MessageType => typeof(T);

    /// <summary>Gets the metadata to (de)serialize the message with on an endpoint using <paramref name="serializer"/>.</summary>
    internal JsonTypeInfo<T> ResolveTypeInfo(PayloadSerializer serializer) => this.TypeInfo ?? ReflectionFallback.GetTypeInfo<T>(serializer);
}
