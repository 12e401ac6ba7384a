using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace IpcBridge.Serialization;

/// <summary>
/// The messages of the reflection-based APIs' trimming and AOT annotations, and the one place where a typed channel
/// created without source-generated metadata falls back to the endpoint's serializer options.
/// </summary>
internal static class ReflectionFallback
{
    /// <summary>The <see cref="RequiresUnreferencedCodeAttribute"/> message of reflection-based APIs.</summary>
    public const string UnreferencedCodeMessage =
        "Payloads are serialized with System.Text.Json reflection metadata, which trimming may remove. " +
        "Use the overload taking an IpcChannel<T> or IpcInvokeChannel<TRequest, TResponse> created with source-generated JsonTypeInfo (MyJsonContext.Default.MyType).";

    /// <summary>The <see cref="RequiresDynamicCodeAttribute"/> message of reflection-based APIs.</summary>
    public const string DynamicCodeMessage =
        "Payloads are serialized with System.Text.Json reflection metadata, which may need code generated at run time, unavailable under Native AOT. " +
        "Use the overload taking an IpcChannel<T> or IpcInvokeChannel<TRequest, TResponse> created with source-generated JsonTypeInfo (MyJsonContext.Default.MyType).";

    /// <summary>The <see cref="RequiresUnreferencedCodeAttribute"/> message of the context bridge.</summary>
    public const string ContextBridgeUnreferencedCodeMessage =
        "The context bridge proxies an interface with DispatchProxy and copies values with System.Text.Json reflection metadata, which trimming may remove. " +
        "Under trimming, give page code typed channels (IpcChannel<T>, IpcInvokeChannel<TRequest, TResponse>) instead.";

    /// <summary>The <see cref="RequiresDynamicCodeAttribute"/> message of the context bridge.</summary>
    public const string ContextBridgeDynamicCodeMessage =
        "The context bridge generates a proxy type and callback wrappers at run time, which Native AOT cannot do. " +
        "Under Native AOT, give page code typed channels (IpcChannel<T>, IpcInvokeChannel<TRequest, TResponse>) instead.";

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
