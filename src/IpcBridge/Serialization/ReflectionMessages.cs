using System.Diagnostics.CodeAnalysis;

namespace IpcBridge;

/// <summary>
/// The messages of the <see cref="RequiresUnreferencedCodeAttribute"/> and <see cref="RequiresDynamicCodeAttribute"/>
/// annotations on reflection-based APIs: each says what needs reflection and which API does the same without it.
/// </summary>
internal static class ReflectionMessages
{
    public const string UnreferencedCode =
        "Payloads are serialized with System.Text.Json reflection metadata, which trimming may remove. Use the overload " +
        "taking an IpcChannel<T> or IpcInvokeChannel<TRequest, TResponse> created with source-generated JsonTypeInfo (MyJsonContext.Default.MyType).";

    public const string DynamicCode =
        "Payloads are serialized with System.Text.Json reflection metadata, which may need code generated at run time. Use the overload " +
        "taking an IpcChannel<T> or IpcInvokeChannel<TRequest, TResponse> created with source-generated JsonTypeInfo (MyJsonContext.Default.MyType).";

    public const string DescriptorUnreferencedCode =
        "Without JsonTypeInfo, the channel serializes with the endpoint's serializer options and their reflection metadata, which " +
        "trimming may remove. Use the constructor taking source-generated JsonTypeInfo (MyJsonContext.Default.MyType).";

    public const string DescriptorDynamicCode =
        "Without JsonTypeInfo, the channel serializes with the endpoint's serializer options and their reflection metadata, which " +
        "may need code generated at run time. Use the constructor taking source-generated JsonTypeInfo (MyJsonContext.Default.MyType).";

    public const string ArgsUnreferencedCode =
        "Arguments are read with System.Text.Json reflection metadata, which trimming may remove. Use Get<T>(int, JsonTypeInfo<T>) " +
        "with source-generated metadata (MyJsonContext.Default.MyType), or a typed channel.";

    public const string ArgsDynamicCode =
        "Arguments are read with System.Text.Json reflection metadata, which may need code generated at run time. Use Get<T>(int, JsonTypeInfo<T>) " +
        "with source-generated metadata (MyJsonContext.Default.MyType), or a typed channel.";

    public const string PortsUnreferencedCode =
        "Port messages are serialized with System.Text.Json reflection metadata, which trimming may remove. In a trimmed app, set " +
        "IpcBridgeOptions.SerializerOptions.TypeInfoResolver to a source-generated JsonSerializerContext covering the message types.";

    public const string PortsDynamicCode =
        "Port messages are serialized with System.Text.Json reflection metadata, which may need code generated at run time. In an AOT app, set " +
        "IpcBridgeOptions.SerializerOptions.TypeInfoResolver to a source-generated JsonSerializerContext covering the message types.";

    public const string ContextBridgeUnreferencedCode =
        "The context bridge proxies the interface with DispatchProxy and copies values with System.Text.Json reflection metadata, " +
        "which trimming may remove. In a trimmed app, give page code typed channels instead.";

    public const string ContextBridgeDynamicCode =
        "The context bridge generates a proxy type and callback wrappers at run time, which Native AOT cannot do. In an AOT app, " +
        "give page code typed channels instead.";
}
