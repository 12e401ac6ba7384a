using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace IpcBridge.Serialization;

/// <summary>
/// The one place where a typed channel created without source-generated metadata falls back to the endpoint's
/// serializer options.
/// </summary>
internal static class ReflectionFallback
{
    /// <summary>Gets the metadata for <typeparamref name="T"/> from the endpoint's serializer options.</summary>
    /// <exception cref="IpcSerializationException">The options' resolver has no metadata for the type.</exception>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only for descriptors created without JsonTypeInfo, whose constructors carry RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "Reached only for descriptors created without JsonTypeInfo, whose constructors carry RequiresDynamicCode.")]
    public static JsonTypeInfo<T> GetTypeInfo<T>(PayloadSerializer serializer)
    {
        try
        {
            return (JsonTypeInfo<T>)serializer.Options.GetTypeInfo(typeof(T));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or JsonException)
        {
            throw new IpcSerializationException($"No serialization metadata for '{typeof(T)}': {ex.Message}", ex);
        }
    }
}
