using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;

namespace IpcBridge.Serialization;

/// <summary>
/// Turns arguments and results into UTF-8 JSON payloads and back. Arguments travel as one JSON array, a result
/// as one JSON value. Every failure surfaces as <see cref="IpcSerializationException"/>, thrown before anything is sent.
/// </summary>
internal sealed class PayloadSerializer
{
    [ThreadStatic]
    private static ArrayBuilder? cachedBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? cachedWriter;

    [ThreadStatic]
    private static List<ReadOnlyMemory<byte>>? cachedSegments;

    // Every endpoint makes a serializer (main, and each renderer in its own runtime). Endpoints given the same options
    // share one prepared copy, and so System.Text.Json's metadata cache, and the per-type slots below keep hitting.
    // Options that may still change are copied per serializer, as before.
    private static readonly JsonSerializerOptions DefaultOptions = Prepare(null);
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Prepared = new();

    // The binary-aware copies of options that came with metadata (BinaryAware).
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Twins = new();

    private TypeSlot? lastRuntimeType;

    public PayloadSerializer(JsonSerializerOptions? options)
    {
        this.Options = options is null ? DefaultOptions
            : options.IsReadOnly ? Prepared.GetValue(options, Prepare)
            : Prepare(options);
    }

    public static PayloadSerializer Default { get; } = new(null);

    public JsonSerializerOptions Options { get; }

    /// <summary>Serializes <paramref name="args"/> as a JSON array; a <see langword="null"/> array counts as one null argument.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public ReadOnlyMemory<byte> SerializeArgs(object?[]? args)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer, out List<ReadOnlyMemory<byte>>? outer);
        try
        {
            writer.WriteStartArray();
            if (args is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                for (int i = 0; i < args.Length; i++)
                {
                    this.WriteObject(writer, args[i], i);
                }
            }

            writer.WriteEndArray();
            writer.Flush();
            return Finish(buffer);
        }
        finally
        {
            Return(writer, buffer, outer);
        }
    }

    /// <summary>Serializes one argument of a static type as a one-element JSON array.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public ReadOnlyMemory<byte> SerializeArg<T>(T value)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer, out List<ReadOnlyMemory<byte>>? outer);
        try
        {
            writer.WriteStartArray();
            this.WriteTyped(writer, value);
            writer.WriteEndArray();
            writer.Flush();
            return Finish(buffer);
        }
        finally
        {
            Return(writer, buffer, outer);
        }
    }

    /// <summary>Serializes one argument as a one-element JSON array with the given metadata (no reflection).</summary>
    public static ReadOnlyMemory<byte> SerializeArg<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer, out List<ReadOnlyMemory<byte>>? outer);
        try
        {
            writer.WriteStartArray();
            WriteWith(writer, value, BinaryAware(typeInfo));
            writer.WriteEndArray();
            writer.Flush();
            return Finish(buffer);
        }
        finally
        {
            Return(writer, buffer, outer);
        }
    }

    /// <summary>Serializes one value (a result) with the given metadata (no reflection).</summary>
    public static ReadOnlyMemory<byte> SerializeValue<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer, out List<ReadOnlyMemory<byte>>? outer);
        try
        {
            WriteWith(writer, value, BinaryAware(typeInfo));
            writer.Flush();
            return Finish(buffer);
        }
        finally
        {
            Return(writer, buffer, outer);
        }
    }

    /// <summary>Serializes one value of a static type (a result).</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public ReadOnlyMemory<byte> SerializeValue<T>(T value)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer, out List<ReadOnlyMemory<byte>>? outer);
        try
        {
            this.WriteTyped(writer, value);
            writer.Flush();
            return Finish(buffer);
        }
        finally
        {
            Return(writer, buffer, outer);
        }
    }

    /// <summary>Serializes one value by its runtime type (a result whose static type is <see cref="object"/>).</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public ReadOnlyMemory<byte> SerializeObject(object? value)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer, out List<ReadOnlyMemory<byte>>? outer);
        try
        {
            this.WriteObject(writer, value, -1);
            writer.Flush();
            return Finish(buffer);
        }
        finally
        {
            Return(writer, buffer, outer);
        }
    }

    /// <summary>Reads one JSON value as <typeparamref name="T"/>; <paramref name="what"/> is formatted only if the read fails.</summary>
    /// <param name="json">The value: a payload, or a slice of one (its binary segments come with it).</param>
    /// <param name="what">What is read, for the exception's message.</param>
    /// <param name="soleReader">Whether nobody else will ever read <paramref name="json"/>'s payload (a call's answer, a stream item), so a binary segment held in an array of its own may be handed over rather than copied.</param>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public T Deserialize<T>(ReadOnlyMemory<byte> json, ref ReadDescription what, bool soleReader = false)
    {
        BinarySegments.ReadState outer = BinarySegments.BeginRead(BinaryPayload.Of(json), soleReader);
        try
        {
            return JsonSerializer.Deserialize(json.Span, this.TypeInfo<T>())!;
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what.ToString()} as '{typeof(T)}': {ex.Message}", ex);
        }
        finally
        {
            BinarySegments.EndRead(outer);
        }
    }

    /// <summary>Reads one JSON value as <typeparamref name="T"/>.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public T Deserialize<T>(ReadOnlyMemory<byte> json, string what, bool soleReader = false)
    {
        ReadDescription described = $"{what}";
        return this.Deserialize<T>(json, ref described, soleReader);
    }

    /// <summary>Reads one JSON value with the given metadata (no reflection); <paramref name="what"/> is formatted only if the read fails.</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> json, JsonTypeInfo<T> typeInfo, ref ReadDescription what, bool soleReader = false)
    {
        BinarySegments.ReadState outer = BinarySegments.BeginRead(BinaryPayload.Of(json), soleReader);
        try
        {
            return JsonSerializer.Deserialize(json.Span, BinaryAware(typeInfo))!;
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what.ToString()} as '{typeof(T)}': {ex.Message}", ex);
        }
        finally
        {
            BinarySegments.EndRead(outer);
        }
    }

    /// <summary>Reads one JSON value with the given metadata (no reflection).</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> json, JsonTypeInfo<T> typeInfo, string what, bool soleReader = false)
    {
        ReadDescription described = $"{what}";
        return Deserialize(json, typeInfo, ref described, soleReader);
    }

    /// <summary>Reads one JSON value as <paramref name="type"/>; <paramref name="what"/> is formatted only if the read fails.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public object? Deserialize(ReadOnlyMemory<byte> json, Type type, ref ReadDescription what)
    {
        BinarySegments.ReadState outer = BinarySegments.BeginRead(BinaryPayload.Of(json), soleReader: false);
        try
        {
            return JsonSerializer.Deserialize(json.Span, this.TypeInfo(type));
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what.ToString()} as '{type}': {ex.Message}", ex);
        }
        finally
        {
            BinarySegments.EndRead(outer);
        }
    }

    /// <summary>Reads one JSON value as <paramref name="type"/>.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public object? Deserialize(ReadOnlyMemory<byte> json, Type type, string what)
    {
        ReadDescription described = $"{what}";
        return this.Deserialize(json, type, ref described);
    }

    /// <summary>
    /// Returns metadata for <typeparamref name="T"/> that writes bytes as binary segments. Metadata from a
    /// <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> is bound to the context's own options, which
    /// know nothing of segments; the same resolver asked through a copy of those options with the binary converters in
    /// front gives source-generated metadata that does (no reflection either way). Each type's answer is remembered.
    /// </summary>
    public static JsonTypeInfo<T> BinaryAware<T>(JsonTypeInfo<T> typeInfo)
    {
        AwareSlot<T>? slot = Volatile.Read(ref AwareSlot<T>.Last);
        if (slot is not null && ReferenceEquals(slot.Given, typeInfo))
        {
            return slot.Aware;
        }

        JsonTypeInfo<T> aware = typeInfo;
        JsonSerializerOptions given = typeInfo.Options;
        if (!BinaryConverters.AreIn(given) && given.TypeInfoResolver is not null)
        {
            try
            {
                aware = (JsonTypeInfo<T>)Twins.GetValue(given, Twin).GetTypeInfo(typeof(T));
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or InvalidCastException)
            {
                // A resolver that cannot answer for other options (metadata made by hand): bytes stay base64 then.
            }
        }

        Volatile.Write(ref AwareSlot<T>.Last, new AwareSlot<T>(typeInfo, aware));
        return aware;
    }

    private static JsonSerializerOptions Twin(JsonSerializerOptions options)
    {
        var twin = new JsonSerializerOptions(options);
        BinaryConverters.AddTo(twin.Converters);
        twin.MakeReadOnly();
        return twin;
    }

    private static JsonSerializerOptions Prepare(JsonSerializerOptions? options)
    {
        var copy = options is null ? new JsonSerializerOptions(JsonSerializerDefaults.Web) : new JsonSerializerOptions(options);
        copy.TypeInfoResolver ??= CreateDefaultResolver();
        copy.Converters.Insert(0, new UncloneableTypeConverterFactory());
        BinaryConverters.AddTo(copy.Converters);
        copy.MakeReadOnly();
        return copy;
    }

    /// <summary>Returns the metadata of <typeparamref name="T"/>.</summary>
    /// <remarks>
    /// Asking the options costs a validation of the type and a dictionary read on every message. One slot per type
    /// remembers the answer for the options that asked last, which in nearly every process are the only ones.
    /// </remarks>
    private JsonTypeInfo<T> TypeInfo<T>()
    {
        TypeSlot<T>? slot = Volatile.Read(ref TypeSlot<T>.Last);
        if (slot is not null && ReferenceEquals(slot.Options, this.Options))
        {
            return slot.Info;
        }

        var info = (JsonTypeInfo<T>)this.Options.GetTypeInfo(typeof(T));
        Volatile.Write(ref TypeSlot<T>.Last, new TypeSlot<T>(this.Options, info));
        return info;
    }

    /// <summary>Returns the metadata of a runtime type, remembering the last one asked for (messages on a channel keep their types).</summary>
    private JsonTypeInfo TypeInfo(Type type)
    {
        TypeSlot? slot = Volatile.Read(ref this.lastRuntimeType);
        if (slot is not null && slot.Type == type)
        {
            return slot.Info;
        }

        JsonTypeInfo info = this.Options.GetTypeInfo(type);
        Volatile.Write(ref this.lastRuntimeType, new TypeSlot(type, info));
        return info;
    }

    // Reflection metadata only while the app has it on: trimmed and Native AOT apps turn the switch off, the trimmer
    // then drops this branch, and such an app serializes through source-generated metadata (typed channels, or
    // a JsonSerializerContext in the options) or gets an IpcSerializationException naming the missing type.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault; the APIs that serialize through it are annotated.")]
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault; the APIs that serialize through it are annotated.")]
    private static IJsonTypeInfoResolver CreateDefaultResolver()
        => JsonSerializer.IsReflectionEnabledByDefault ? new DefaultJsonTypeInfoResolver() : JsonTypeInfoResolver.Combine();

    private static void WriteWith<T>(Utf8JsonWriter writer, T value, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"An object could not be cloned: {ex.Message}", ex);
        }
    }

    private static Utf8JsonWriter RentWriter(out ArrayBuilder buffer, out List<ReadOnlyMemory<byte>>? outerSegments)
    {
        buffer = cachedBuffer ?? new ArrayBuilder();
        cachedBuffer = null;
        buffer.Reset();
        Utf8JsonWriter? writer = cachedWriter;
        cachedWriter = null;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        }
        else
        {
            writer.Reset(buffer);
        }

        List<ReadOnlyMemory<byte>> segments = cachedSegments ?? new List<ReadOnlyMemory<byte>>();
        cachedSegments = null;
        outerSegments = BinarySegments.BeginWrite(segments);
        return writer;
    }

    private static void Return(Utf8JsonWriter writer, ArrayBuilder buffer, List<ReadOnlyMemory<byte>>? outerSegments)
    {
        // A serializer that re-enters (a converter serializing a nested message) rents a fresh set; only
        // the outermost one is cached again.
        List<ReadOnlyMemory<byte>> segments = BinarySegments.Writing!;
        BinarySegments.EndWrite(outerSegments);
        segments.Clear();
        buffer.TrimIfLarge();
        cachedBuffer = buffer;
        cachedWriter = writer;
        cachedSegments = segments;
    }

    /// <summary>Ends a payload: the JSON alone, or the JSON with the binary segments its values were written to.</summary>
    private static ReadOnlyMemory<byte> Finish(ArrayBuilder buffer)
    {
        byte[] json = buffer.ToArray();
        List<ReadOnlyMemory<byte>> segments = BinarySegments.Writing!;
        if (segments.Count == 0)
        {
            return json;
        }

        // Each segment is the converter's own copy of the sender's bytes, an array nobody else holds; the payload is new,
        // for one frame, until a broadcast or a reader shares it.
        return new BinaryPayload(new ArraySegment<byte>(json), segments.ToArray(), segmentsOwned: true, recyclable: true).Memory;
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private void WriteTyped<T>(Utf8JsonWriter writer, T value)
    {
        try
        {
            if (value is null)
            {
                writer.WriteNullValue();
                return;
            }

            Type runtimeType = value.GetType();
            if (typeof(T) == runtimeType || typeof(T).IsValueType)
            {
                JsonSerializer.Serialize(writer, value, this.TypeInfo<T>());
            }
            else
            {
                // A derived type or an interface: write what the value really is, as a receiver would expect.
                JsonSerializer.Serialize(writer, value, this.TypeInfo(runtimeType));
            }
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"An object could not be cloned: {ex.Message}", ex);
        }
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    private void WriteObject(Utf8JsonWriter writer, object? value, int index)
    {
        try
        {
            if (value is null)
            {
                writer.WriteNullValue();
                return;
            }

            JsonSerializer.Serialize(writer, value, this.TypeInfo(value.GetType()));
        }
        catch (IpcSerializationException ex) when (index >= 0)
        {
            throw new IpcSerializationException($"Argument {index}: {ex.Message}", ex);
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"An object could not be cloned{(index >= 0 ? $" (argument {index})" : string.Empty)}: {ex.Message}", ex);
        }
    }

    /// <summary>A type's metadata in one options instance.</summary>
    private sealed class TypeSlot<T>
    {
        // The last options to ask, per type; a process with more than one takes turns, and is merely slower.
        public static TypeSlot<T>? Last;

        public TypeSlot(JsonSerializerOptions options, JsonTypeInfo<T> info)
        {
            this.Options = options;
            this.Info = info;
        }

        public JsonSerializerOptions Options { get; }

        public JsonTypeInfo<T> Info { get; }
    }

    /// <summary>The binary-aware metadata for the metadata a caller gave last, per type.</summary>
    private sealed class AwareSlot<T>
    {
        public static AwareSlot<T>? Last;

        public AwareSlot(JsonTypeInfo<T> given, JsonTypeInfo<T> aware)
        {
            this.Given = given;
            this.Aware = aware;
        }

        public JsonTypeInfo<T> Given { get; }

        public JsonTypeInfo<T> Aware { get; }
    }

    /// <summary>A runtime type's metadata.</summary>
    private sealed class TypeSlot
    {
        public TypeSlot(Type type, JsonTypeInfo info)
        {
            this.Type = type;
            this.Info = info;
        }

        public Type Type { get; }

        public JsonTypeInfo Info { get; }
    }
}
