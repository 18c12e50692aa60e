using System.Text.Json.Serialization;

namespace Coder.Contracts.Operations;

[JsonConverter(typeof(JsonStringEnumConverter<OperationKind>))]
public enum OperationKind
{
    [JsonStringEnumMemberName("provision")] Provision,
    [JsonStringEnumMemberName("start")] Start,
    [JsonStringEnumMemberName("stop")] Stop,
    [JsonStringEnumMemberName("restart")] Restart,
    [JsonStringEnumMemberName("delete")] Delete,
    [JsonStringEnumMemberName("scale")] Scale,
    [JsonStringEnumMemberName("snapshot")] Snapshot,
    [JsonStringEnumMemberName("restore")] Restore,
    [JsonStringEnumMemberName("upgrade")] Upgrade,
}
