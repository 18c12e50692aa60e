using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Security;

/// <summary>
/// A dashboard session in the ApiTokens table: PK = "session:" + SHA-256 of the session id (the cookie's value is never
/// stored), RK = "". It points at the hash of the API token it was made from, so revoking that token ends the session.
/// </summary>
public sealed class WebSessionEntity : ITableEntity
{
    public const string PartitionPrefix = "session:";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string TokenHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    public static string KeyFor(string sessionIdHash) => PartitionPrefix + sessionIdHash;
}
