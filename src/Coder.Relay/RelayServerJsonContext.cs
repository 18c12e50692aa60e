using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coder.Relay;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RelayKeyFile))]
sealed partial class RelayServerJsonContext : JsonSerializerContext;
