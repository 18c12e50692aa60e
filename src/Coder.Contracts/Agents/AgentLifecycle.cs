using System.Text.Json.Serialization;

namespace Coder.Contracts.Agents;

/// <summary>Agent lifecycle (ARCHITECTURE.md §5). Reported in order and never backwards; see <see cref="AgentLifecycleOrder"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentLifecycle>))]
public enum AgentLifecycle
{
    [JsonStringEnumMemberName("created")] Created,
    [JsonStringEnumMemberName("starting")] Starting,
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("start_error")] StartError,
    [JsonStringEnumMemberName("start_timeout")] StartTimeout,
    [JsonStringEnumMemberName("shutting_down")] ShuttingDown,
    [JsonStringEnumMemberName("off")] Off,
}
