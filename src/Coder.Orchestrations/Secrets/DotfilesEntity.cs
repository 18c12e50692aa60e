using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Secrets;

/// <summary>A user's dotfiles repository (PK = owner, RK = <see cref="Row"/>).</summary>
public sealed class DotfilesEntity : ITableEntity
{
    public const string Row = "dotfiles";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Url { get; set; } = "";
    public string? InstallScript { get; set; }
    public string? CredentialSecret { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
