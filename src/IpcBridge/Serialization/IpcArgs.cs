using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
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

    // Where each argument lies in the payload, found on first use. Most messages carry one argument: its place is kept
    // in fields, and only further ones take an array. 'count' is written last and read first, so a reader on another
    // thread that sees it also sees the places.
    private int count = -1;
    private int firstStart;
    private int firstLength;
    private (int Start, int Length)[]? rest;

    internal IpcArgs(ReadOnlyMemory<byte> payload, PayloadSerializer serializer, string channel)
    {
        this.payload = payload;
        this.serializer = serializer;
        this.channel = channel;
    }

    /// <summary>Gets the number of arguments the sender passed.</summary>
    public int Count => this.IndexedCount();

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

    /// <summary>
    /// Reads argument <paramref name="index"/> for a typed handler, the only code that ever sees these arguments: a binary
    /// segment held in an array of its own becomes the handler's without a copy.
    /// </summary>
    [RequiresUnreferencedCode(ReflectionMessages.ArgsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ArgsDynamicCode)]
    internal T GetAsOnlyReader<T>(int index)
        => this.serializer.Deserialize<T>(this.Slice(index), $"argument {index} on channel '{this.channel}'", soleReader: true);

    /// <summary>Like <see cref="GetAsOnlyReader{T}(int)"/>, with source-generated metadata.</summary>
    internal T GetAsOnlyReader<T>(int index, JsonTypeInfo<T> typeInfo)
        => PayloadSerializer.Deserialize(this.Slice(index), typeInfo, $"argument {index} on channel '{this.channel}'", soleReader: true);

    /// <summary>Returns the arguments as JSON text, for logging and diagnostics.</summary>
    /// <returns>The JSON array.</returns>
    public override string ToString() => Encoding.UTF8.GetString(this.payload.ToArray());

    private static readonly byte[] JsonNull = Encoding.UTF8.GetBytes("null");

    private ReadOnlyMemory<byte> Slice(int index)
    {
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        int arguments = this.IndexedCount();
        if (index >= arguments)
        {
            return JsonNull;
        }

        (int start, int length) = index == 0 ? (this.firstStart, this.firstLength) : this.rest![index - 1];
        return this.payload.Slice(start, length);
    }

    private int IndexedCount()
    {
        int indexed = Volatile.Read(ref this.count);
        if (indexed < 0)
        {
            indexed = this.Index();
            Volatile.Write(ref this.count, indexed);
        }

        return indexed;
    }

    /// <summary>Finds argument <paramref name="index"/> in an argument array without keeping an index (one read, one argument).</summary>
    /// <exception cref="IpcSerializationException">The payload is not a JSON argument array.</exception>
    internal static ReadOnlyMemory<byte> SliceOf(ReadOnlyMemory<byte> payload, int index, string channel)
    {
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        try
        {
            var reader = new Utf8JsonReader(payload.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new IpcSerializationException($"The payload on channel '{channel}' is not an argument array.");
            }

            for (int i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
            {
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (i == index)
                {
                    return payload.Slice(start, (int)reader.BytesConsumed - start);
                }
            }

            return JsonNull;
        }
        catch (JsonException ex)
        {
            throw new IpcSerializationException($"The payload on channel '{channel}' is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Finds each argument's place; two threads may both do it, and find the same.</summary>
    private int Index()
    {
        try
        {
            var reader = new Utf8JsonReader(this.payload.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new IpcSerializationException($"The payload on channel '{this.channel}' is not an argument array.");
            }

            int found = 0;
            List<(int, int)>? more = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                int length = (int)reader.BytesConsumed - start;
                if (found++ == 0)
                {
                    this.firstStart = start;
                    this.firstLength = length;
                }
                else
                {
                    (more ??= new List<(int, int)>()).Add((start, length));
                }
            }

            this.rest = more?.ToArray();
            return found;
        }
        catch (JsonException ex)
        {
            throw new IpcSerializationException($"The payload on channel '{this.channel}' is not valid JSON: {ex.Message}", ex);
        }
    }
}
