using System.Text.Json.Serialization;

namespace IpcBridge.Protocol;

/// <summary>Source-generated metadata for the handshake's JSON bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HelloMessage))]
[JsonSerializable(typeof(WelcomeMessage))]
[JsonSerializable(typeof(PeerRequest))]
[JsonSerializable(typeof(PeerReply))]
internal sealed partial class HandshakeJsonContext : JsonSerializerContext
{
}
