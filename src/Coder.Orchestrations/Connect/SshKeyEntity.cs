using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Connect;

/// <summary>A user's registered SSH public key: partition = user, one row (one key per user, replaced by a PUT).</summary>
public sealed class SshKeyEntity : ITableEntity
{
    public const string Row = "key";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PublicKey { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}
