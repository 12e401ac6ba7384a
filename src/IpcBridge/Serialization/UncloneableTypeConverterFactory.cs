using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Serialization;

/// <summary>
/// Refuses types that cannot cross a process boundary. Without it, System.Text.Json would happily write a
/// <see cref="Task"/> or <see cref="Stream"/> as a bag of its public properties, and the receiver would get
/// a meaningless copy instead of the sender getting an error.
/// </summary>
internal sealed class UncloneableTypeConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => Describe(typeToConvert) is not null;

    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "It only refuses a type. Should Native AOT lack code for the instantiation, MakeGenericType throws NotSupportedException, which the serializer reports as IpcSerializationException: the value is refused either way.")]
    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(RefusingConverter<>).MakeGenericType(typeToConvert), Describe(typeToConvert))!;

    /// <summary>Returns why a type cannot be cloned, or <see langword="null"/> when it can.</summary>
    internal static string? Describe(Type type)
    {
        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return "a delegate";
        }

        if (typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return "a task";
        }

        if (typeof(Stream).IsAssignableFrom(type))
        {
            return "a stream";
        }

        if (type.IsPointer || type == typeof(IntPtr) || type == typeof(UIntPtr) || typeof(System.Runtime.InteropServices.SafeHandle).IsAssignableFrom(type))
        {
            return "a pointer or handle";
        }

        if (type == typeof(CancellationToken) || typeof(WaitHandle).IsAssignableFrom(type) || typeof(Thread).IsAssignableFrom(type))
        {
            return "a synchronization object";
        }

        if (typeof(MemberInfo).IsAssignableFrom(type))
        {
            return "a reflection object";
        }

        if (typeof(MessagePortMain).IsAssignableFrom(type))
        {
            return "a MessagePortMain (pass ports in the transfer list, not in the message body)";
        }

        if (typeof(IIpcCapability).IsAssignableFrom(type))
        {
            return "an IPC object (IpcRenderer, IpcMain, WebContents, events and bridges stay on their side)";
        }

        return null;
    }

    private sealed class RefusingConverter<T> : JsonConverter<T>
    {
        private readonly string what;

        public RefusingConverter(string what) => this.what = what;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => throw new IpcSerializationException($"An object could not be cloned: '{typeToConvert}' is {this.what} and cannot cross an IPC boundary.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
            => throw new IpcSerializationException($"An object could not be cloned: '{value?.GetType() ?? typeof(T)}' is {this.what} and cannot cross an IPC boundary.");
    }
}
