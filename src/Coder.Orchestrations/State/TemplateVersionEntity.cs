using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>An immutable template version: PK = template name, RK = <c>v000001</c>.</summary>
public sealed class TemplateVersionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Version { get; set; }
    public string Spec { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }

    public static string RowKeyFor(int version) => $"v{version:D6}";
}
