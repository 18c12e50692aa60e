using System.Text.Json.Serialization;

namespace Coder.Contracts.Snapshots;

[JsonConverter(typeof(JsonStringEnumConverter<SnapshotStatus>))]
public enum SnapshotStatus
{
    [JsonStringEnumMemberName("capturing")] Capturing,
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("failed")] Failed,
}
