using System.Text.Json;
using System.Text.Json.Serialization;

namespace IpcBridge.Serialization;

/// <summary>Source-generated metadata for the payload types the library itself reads, so reading them needs no reflection.</summary>
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class PayloadJsonContext : JsonSerializerContext
{
}
