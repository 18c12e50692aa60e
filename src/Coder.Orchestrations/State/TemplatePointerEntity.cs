using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>The <c>active</c> row of a template: which version is active and which is the latest.</summary>
public sealed class TemplatePointerEntity : ITableEntity
{
    public const string ActiveRowKey = "active";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = ActiveRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int ActiveVersion { get; set; }
    public int LatestVersion { get; set; }
    public string? Description { get; set; }
    public string Provisioner { get; set; } = "local";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
