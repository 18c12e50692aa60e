using System.Text.Json.Serialization;

namespace Coder.Contracts.Agents;

[JsonConverter(typeof(JsonStringEnumConverter<AgentConnection>))]
public enum AgentConnection
{
    [JsonStringEnumMemberName("connecting")] Connecting,
    [JsonStringEnumMemberName("connected")] Connected,
    [JsonStringEnumMemberName("disconnected")] Disconnected,
    [JsonStringEnumMemberName("timeout")] Timeout,
}
