using System;
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

    // Every endpoint makes a serializer (main, and each renderer in its own runtime). Endpoints given the same options
    // share one prepared copy, and so System.Text.Json's metadata cache, and the per-type slots below keep hitting.
    // Options that may still change are copied per serializer, as before.
    private static readonly JsonSerializerOptions DefaultOptions = Prepare(null);
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Prepared = new();

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
    public byte[] SerializeArgs(object?[]? args)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer);
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
            return buffer.ToArray();
        }
        finally
        {
            Return(writer, buffer);
        }
    }

    /// <summary>Serializes one argument of a static type as a one-element JSON array.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public byte[] SerializeArg<T>(T value)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer);
        try
        {
            writer.WriteStartArray();
            this.WriteTyped(writer, value);
            writer.WriteEndArray();
            writer.Flush();
            return buffer.ToArray();
        }
        finally
        {
            Return(writer, buffer);
        }
    }

    /// <summary>Serializes one argument as a one-element JSON array with the given metadata (no reflection).</summary>
    public static byte[] SerializeArg<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer);
        try
        {
            writer.WriteStartArray();
            WriteWith(writer, value, typeInfo);
            writer.WriteEndArray();
            writer.Flush();
            return buffer.ToArray();
        }
        finally
        {
            Return(writer, buffer);
        }
    }

    /// <summary>Serializes one value (a result) with the given metadata (no reflection).</summary>
    public static byte[] SerializeValue<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer);
        try
        {
            WriteWith(writer, value, typeInfo);
            writer.Flush();
            return buffer.ToArray();
        }
        finally
        {
            Return(writer, buffer);
        }
    }

    /// <summary>Serializes one value of a static type (a result).</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public byte[] SerializeValue<T>(T value)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer);
        try
        {
            this.WriteTyped(writer, value);
            writer.Flush();
            return buffer.ToArray();
        }
        finally
        {
            Return(writer, buffer);
        }
    }

    /// <summary>Serializes one value by its runtime type (a result whose static type is <see cref="object"/>).</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public byte[] SerializeObject(object? value)
    {
        Utf8JsonWriter writer = RentWriter(out ArrayBuilder buffer);
        try
        {
            this.WriteObject(writer, value, -1);
            writer.Flush();
            return buffer.ToArray();
        }
        finally
        {
            Return(writer, buffer);
        }
    }

    /// <summary>Reads one JSON value as <typeparamref name="T"/>; <paramref name="what"/> is formatted only if the read fails.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public T Deserialize<T>(ReadOnlySpan<byte> json, ref ReadDescription what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, this.TypeInfo<T>())!;
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what.ToString()} as '{typeof(T)}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads one JSON value as <typeparamref name="T"/>.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public T Deserialize<T>(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, this.TypeInfo<T>())!;
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what} as '{typeof(T)}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads one JSON value with the given metadata (no reflection); <paramref name="what"/> is formatted only if the read fails.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, ref ReadDescription what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo)!;
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what.ToString()} as '{typeof(T)}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads one JSON value with the given metadata (no reflection).</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo)!;
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what} as '{typeof(T)}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads one JSON value as <paramref name="type"/>; <paramref name="what"/> is formatted only if the read fails.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public object? Deserialize(ReadOnlySpan<byte> json, Type type, ref ReadDescription what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, this.TypeInfo(type));
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what.ToString()} as '{type}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads one JSON value as <paramref name="type"/>.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public object? Deserialize(ReadOnlySpan<byte> json, Type type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, this.TypeInfo(type));
        }
        catch (IpcSerializationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new IpcSerializationException($"Could not read {what} as '{type}': {ex.Message}", ex);
        }
    }

    private static JsonSerializerOptions Prepare(JsonSerializerOptions? options)
    {
        var copy = options is null ? new JsonSerializerOptions(JsonSerializerDefaults.Web) : new JsonSerializerOptions(options);
        copy.TypeInfoResolver ??= CreateDefaultResolver();
        copy.Converters.Insert(0, new UncloneableTypeConverterFactory());
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

    private static Utf8JsonWriter RentWriter(out ArrayBuilder buffer)
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

        return writer;
    }

    private static void Return(Utf8JsonWriter writer, ArrayBuilder buffer)
    {
        // A serializer that re-enters (a converter serializing a nested message) rents a fresh pair; only
        // the outermost one is cached again.
        buffer.TrimIfLarge();
        cachedBuffer = buffer;
        cachedWriter = writer;
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
