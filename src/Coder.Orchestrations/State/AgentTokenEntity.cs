using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// An agent token, by hash only: PK = RK = SHA-256 of the token (hex), see <see cref="KeyedRowKey"/>; tokens issued before
/// have RK = <see cref="LegacyRowKey"/> and keep it until they are revoked. Revoked when its workspace stops or is
/// deleted; an <see cref="AgentTokenIndexEntity"/> row per token lets that find every token of the workspace.
/// </summary>
public sealed class AgentTokenEntity : ITableEntity
{
    /// <summary>The row key every token row had before it repeated the hash.</summary>
    public const string LegacyRowKey = "";

    string? _rowKey;

    public string PartitionKey { get; set; } = "";

    /// <summary>The hash, like the partition key, unless set (a row read under <see cref="LegacyRowKey"/>).</summary>
    public string RowKey { get => _rowKey ?? PartitionKey; set => _rowKey = value; }
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string WorkspaceId { get; set; } = "";
    public string Owner { get; set; } = "";
    public string BuildId { get; set; } = "";

    /// <summary>
    /// How many replicas the token was issued for: it is valid for the agent ids <c>AgentIds.For(workspace, build, r)</c>
    /// with r below this. Null on tokens issued before it was recorded (any replica of the build).
    /// </summary>
    public int? Replicas { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public bool Revoked { get; set; }

    /// <summary>
    /// Set when a warm-pool member is claimed: the owner the token's holder is handed a new token for, once, on its next
    /// manifest call (which revokes this one in the same write).
    /// </summary>
    public string? HandoverOwner { get; set; }

    /// <summary>
    /// The hash of the token this one was last handed over to (null: not handed over). From then on this token
    /// authenticates nothing; it can only redeem the handover again (its answer may have been lost) until the new token is
    /// confirmed, which revokes it.
    /// </summary>
    public string? HandedOverTo { get; set; }
    public DateTimeOffset? HandedOverAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
