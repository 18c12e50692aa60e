using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// Claims a workspace name within its owner's partition. Inserted in the same transaction as the workspace row, so two
/// concurrent creates of one name cannot both succeed. RK = <see cref="RowKeyPrefix"/> + name (sorts after every <c>ws-</c> id).
/// </summary>
public sealed class WorkspaceNameClaimEntity : ITableEntity
{
    public const string RowKeyPrefix = "~name~";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string WorkspaceId { get; set; } = "";
}
