using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// The arguments of a received message, still in their serialized form. Each <see cref="Get{T}(int)"/> reads a
/// fresh copy, so no two readers (and never the sender) share an object.
/// </summary>
/// <remarks>Thread-safe for reading.</remarks>
public sealed class IpcArgs
{
    private readonly ReadOnlyMemory<byte> payload;
    private readonly PayloadSerializer serializer;
    private readonly string channel;
    private (int Start, int Length)[]? elements;

    internal IpcArgs(ReadOnlyMemory<byte> payload, PayloadSerializer serializer, string channel)
    {
        this.payload = payload;
        this.serializer = serializer;
        this.channel = channel;
    }

    /// <summary>Gets the number of arguments the sender passed.</summary>
    public int Count => this.Elements.Length;

    private (int Start, int Length)[] Elements => this.elements ??= this.Index();

    /// <summary>
    /// Reads argument <paramref name="index"/> as <typeparamref name="T"/>. An index past the last argument reads
    /// as JSON <c>null</c> (Electron's <c>undefined</c>).
    /// </summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="index">The zero-based argument index.</param>
    /// <returns>A new copy of the argument.</returns>
    /// <exception cref="IpcSerializationException">The argument does not deserialize as <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.ArgsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ArgsDynamicCode)]
    public T Get<T>(int index = 0)
        => this.serializer.Deserialize<T>(this.Slice(index), $"argument {index} on channel '{this.channel}'");

    /// <summary>Reads argument <paramref name="index"/> as <paramref name="type"/>.</summary>
    /// <param name="index">The zero-based argument index.</param>
    /// <param name="type">The type to read.</param>
    /// <returns>A new copy of the argument.</returns>
    /// <exception cref="IpcSerializationException">The argument does not deserialize as <paramref name="type"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.ArgsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ArgsDynamicCode)]
    public object? Get(int index, Type type)
        => this.serializer.Deserialize(this.Slice(index), type, $"argument {index} on channel '{this.channel}'");

    /// <summary>
    /// Reads argument <paramref name="index"/> with source-generated metadata, which needs no reflection (safe under
    /// trimming and Native AOT). An index past the last argument reads as JSON <c>null</c>.
    /// </summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="index">The zero-based argument index.</param>
    /// <param name="typeInfo">The type's metadata, typically <c>MyJsonContext.Default.MyType</c>.</param>
    /// <returns>A new copy of the argument.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcSerializationException">The argument does not deserialize as <typeparamref name="T"/>.</exception>
    public T Get<T>(int index, JsonTypeInfo<T> typeInfo)
    {
        if (typeInfo is null)
        {
            throw new ArgumentNullException(nameof(typeInfo));
        }

        return PayloadSerializer.Deserialize(this.Slice(index), typeInfo, $"argument {index} on channel '{this.channel}'");
    }

    /// <summary>Reads an argument for a typed listener with the given metadata; a failure is marked as the listener's arguments being unreadable.</summary>
    internal T GetForListener<T>(int index, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return this.Get(index, typeInfo);
        }
        catch (IpcSerializationException ex)
        {
            throw new Protocol.ListenerArgumentException(ex);
        }
    }

    /// <summary>Reads an argument for a typed listener; a failure is marked as the listener's arguments being unreadable.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.ArgsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ArgsDynamicCode)]
    internal T GetForListener<T>(int index)
    {
        try
        {
            return this.Get<T>(index);
        }
        catch (IpcSerializationException ex)
        {
            throw new Protocol.ListenerArgumentException(ex);
        }
    }

    /// <summary>Returns the arguments as JSON text, for logging and diagnostics.</summary>
    /// <returns>The JSON array.</returns>
    public override string ToString() => Encoding.UTF8.GetString(this.payload.ToArray());

    private static readonly byte[] JsonNull = Encoding.UTF8.GetBytes("null");

    private ReadOnlySpan<byte> Slice(int index)
    {
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        (int Start, int Length)[] all = this.Elements;
        if (index >= all.Length)
        {
            return JsonNull;
        }

        return this.payload.Span.Slice(all[index].Start, all[index].Length);
    }

    private (int Start, int Length)[] Index()
    {
        try
        {
            var reader = new Utf8JsonReader(this.payload.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new IpcSerializationException($"The payload on channel '{this.channel}' is not an argument array.");
            }

            var found = new List<(int, int)>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                int end = (int)reader.BytesConsumed;
                found.Add((start, end - start));
            }

            return found.ToArray();
        }
        catch (JsonException ex)
        {
            throw new IpcSerializationException($"The payload on channel '{this.channel}' is not valid JSON: {ex.Message}", ex);
        }
    }
}
