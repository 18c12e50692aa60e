using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// Points from a workspace to one of its agent tokens, in the AgentTokens table: PK = "workspace:{id}", RK = the token's
/// hash. Written before the token row, so revoking a workspace's tokens never misses one that exists; removed once the
/// token row is marked revoked.
/// </summary>
public sealed class AgentTokenIndexEntity : ITableEntity
{
    public const string PartitionPrefix = "workspace:";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string BuildId { get; set; } = "";

    public static string KeyFor(string workspaceId) => PartitionPrefix + workspaceId;
}
