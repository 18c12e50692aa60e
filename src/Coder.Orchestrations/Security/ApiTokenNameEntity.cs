using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Security;

/// <summary>
/// Claims a token name in the ApiTokens table and points at the token's hash, so a token can be revoked by name.
/// PK = "name:" + name (a hash is hex, so the two kinds of row never collide), RK = "".
/// </summary>
public sealed class ApiTokenNameEntity : ITableEntity
{
    public const string PartitionPrefix = "name:";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Hash { get; set; } = "";

    public static string KeyFor(string name) => PartitionPrefix + name;
}
