using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// An agent token, by hash only: PK = SHA-256 of the token (hex), RK = "". Revoked when its workspace stops or is
/// deleted; an <see cref="AgentTokenIndexEntity"/> row per token lets that find every token of the workspace.
/// </summary>
public sealed class AgentTokenEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string WorkspaceId { get; set; } = "";
    public string Owner { get; set; } = "";
    public string BuildId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
