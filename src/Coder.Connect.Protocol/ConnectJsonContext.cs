using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coder.Connect.Protocol;

/// <summary>Source-generated JSON for the connect protocol's open frames (the agent is trimmed and AOT-compiled).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenSessionRequest))]
public sealed partial class ConnectJsonContext : JsonSerializerContext;
