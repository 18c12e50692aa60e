using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coder.Relay.Protocol;

/// <summary>Source-generated JSON for the control channel (camelCase members, absent members omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ControlChannelMessage))]
public sealed partial class RelayJsonContext : JsonSerializerContext;
