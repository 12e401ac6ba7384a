using System.Text.Json.Serialization;

namespace IpcBridge.Protocol;

/// <summary>Source-generated metadata for the handshake's JSON bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HelloMessage))]
[JsonSerializable(typeof(WelcomeMessage))]
internal sealed partial class HandshakeJsonContext : JsonSerializerContext
{
}
