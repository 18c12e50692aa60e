using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>An operation: PK = operation id (also the orchestration instance id), RK = "".</summary>
public sealed class OperationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Kind { get; set; } = "";
    public string? WorkspaceId { get; set; }
    public string? Owner { get; set; }
    public string Status { get; set; } = "pending";
    public string? Progress { get; set; }
    /// <summary>The failure's full text (admins only); members see <see cref="FailureCode"/>'s sentence.</summary>
    public string? Error { get; set; }
    public string? FailureCode { get; set; }
    public string? Actor { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public DateTimeOffset? LastProgressAt { get; set; }
}
