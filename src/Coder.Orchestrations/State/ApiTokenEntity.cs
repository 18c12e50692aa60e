using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>An API token, by hash only: PK = SHA-256 of the token (hex), RK = "".</summary>
public sealed class ApiTokenEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string User { get; set; } = "";

    /// <summary>Comma-separated roles.</summary>
    public string Roles { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
