using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>Finds a workspace's owner partition from its id: PK = workspace id, RK = "".</summary>
public sealed class WorkspaceIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Owner { get; set; } = "";
}
