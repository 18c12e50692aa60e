using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Secrets;

/// <summary>One of a user's secrets (PK = owner, RK = name): the sealed value, never the value itself.</summary>
public sealed class SecretEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>What <see cref="ISecretVault.SealAsync"/> returned: a ciphertext, or the Key Vault secret's name.</summary>
    public string Sealed { get; set; } = "";

    /// <summary>Changes with every set; the manifest's config version hashes this, never the value.</summary>
    public string Version { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}
