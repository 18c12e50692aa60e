using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Quotas;

/// <summary>An owner's limits (PK = owner, RK = <see cref="Row"/>), or the default's (PK = <see cref="DefaultOwner"/>). Null is no limit.</summary>
public sealed class QuotaLimitsEntity : ITableEntity
{
    public const string Row = "limits";

    /// <summary>Not a user name: '~' cannot appear in one, so the default never collides with an owner.</summary>
    public const string DefaultOwner = "~default";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int? MaxWorkspaces { get; set; }
    public int? MaxRunningWorkspaces { get; set; }
    public double? MaxCpu { get; set; }
    public int? MaxMemoryMiB { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}
