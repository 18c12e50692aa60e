using System.Text.Json.Serialization;

namespace Coder.Contracts.Workspaces;

[JsonConverter(typeof(JsonStringEnumConverter<WorkspaceStatus>))]
public enum WorkspaceStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("provisioning")] Provisioning,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("stopping")] Stopping,
    [JsonStringEnumMemberName("stopped")] Stopped,
    [JsonStringEnumMemberName("starting")] Starting,
    [JsonStringEnumMemberName("updating")] Updating,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("deleting")] Deleting,
    [JsonStringEnumMemberName("deleted")] Deleted,
}
