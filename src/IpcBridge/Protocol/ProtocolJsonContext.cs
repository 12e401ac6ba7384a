using System.Text.Json.Serialization;

namespace IpcBridge.Protocol;

/// <summary>Source-generated metadata for the protocol's own JSON bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorPayload))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}
