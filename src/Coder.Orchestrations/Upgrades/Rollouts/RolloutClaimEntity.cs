using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Upgrades.Rollouts;

/// <summary>
/// One active rollout per template: PK = <c>template|{name}</c>, RK = <see cref="RowKeyValue"/>. The generation gives
/// rollout ids that are derived, not random, and the ETag makes two concurrent requests start one rollout.
/// </summary>
public sealed class RolloutClaimEntity : ITableEntity
{
    public const string RowKeyValue = "claim";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = RowKeyValue;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Generation { get; set; }
    public string? RolloutId { get; set; }

    public static string PartitionKeyFor(string template) => "template|" + template;
}
