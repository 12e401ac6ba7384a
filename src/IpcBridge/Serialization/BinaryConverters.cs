using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IpcBridge.Serialization;

/// <summary>
/// Write <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/> and <see cref="Memory{T}"/> of bytes as binary segments of the
/// frame (<c>{"$bin":N}</c> in the JSON, the bytes after it; docs/protocol.md), and read them back. The sender's bytes
/// are copied when the payload is made, as JSON text would be: what the sender does to its array afterwards never
/// reaches a receiver. Outside a payload (no <see cref="BinarySegments"/> scope) they fall back to base64 strings.
/// </summary>
internal static class BinaryConverters
{
    private static readonly JsonEncodedText BinProperty = JsonEncodedText.Encode("$bin");

    /// <summary>Adds the converters in front of <paramref name="converters"/>, so they win over any other for these types.</summary>
    public static void AddTo(IList<JsonConverter> converters)
    {
        converters.Insert(0, new MemoryConverter());
        converters.Insert(0, new ReadOnlyMemoryConverter());
        converters.Insert(0, new ByteArrayConverter());
    }

    /// <summary>Gets whether <paramref name="options"/> already write bytes as segments.</summary>
    public static bool AreIn(JsonSerializerOptions options) => options.Converters.Count > 0 && options.Converters[0] is ByteArrayConverter;

    private static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        List<ReadOnlyMemory<byte>>? segments = BinarySegments.Writing;
        if (segments is null)
        {
            writer.WriteBase64StringValue(bytes);
            return;
        }

        segments.Add(BinarySegments.Copy(bytes));
        writer.WriteStartObject();
        writer.WriteNumber(BinProperty, segments.Count - 1);
        writer.WriteEndObject();
    }

    /// <summary>Reads <c>{"$bin":N}</c> (exactly that one property) and returns N.</summary>
    private static long ReadReference(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(BinProperty.EncodedUtf8Bytes)
            || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long index)
            || !reader.Read() || reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("A binary value must be {\"$bin\":N}, a base64 string or null.");
        }

        return index;
    }

    /// <summary>A fresh array the receiver owns (the segment's own one for a sole reader, else a copy).</summary>
    private sealed class ByteArrayConverter : JsonConverter<byte[]>
    {
        public override bool HandleNull => false;

        public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetBytesFromBase64(),
            _ => BinarySegments.OwnedArray(ReadReference(ref reader)),
        };

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => BinaryConverters.Write(writer, value);
    }

    /// <summary>A read-only view of the received segment, not copied; receivers of one message may share it.</summary>
    private sealed class ReadOnlyMemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
    {
        public override bool HandleNull => true;

        public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => default,
            JsonTokenType.String => reader.GetBytesFromBase64(),
            _ => BinarySegments.View(ReadReference(ref reader)),
        };

        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) => BinaryConverters.Write(writer, value.Span);
    }

    /// <summary>Writable memory over an array the receiver owns, like <c>byte[]</c>.</summary>
    private sealed class MemoryConverter : JsonConverter<Memory<byte>>
    {
        public override bool HandleNull => true;

        public override Memory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => default,
            JsonTokenType.String => reader.GetBytesFromBase64(),
            _ => BinarySegments.OwnedArray(ReadReference(ref reader)),
        };

        public override void Write(Utf8JsonWriter writer, Memory<byte> value, JsonSerializerOptions options) => BinaryConverters.Write(writer, value.Span);
    }
}
