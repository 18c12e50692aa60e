using Azure.Data.Tables;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Timeline;

/// <summary>
/// The workspace timeline: every decision with its reason and actor. Writes are upserts on deterministic keys, so an
/// activity or message delivered twice leaves one entry.
/// </summary>
public sealed class WorkspaceTimeline(CoderTables tables)
{
    public Task AppendAsync(string workspaceId, TimelineEntry entry, CancellationToken cancellationToken)
    {
        var entity = new WorkspaceEventEntity
        {
            PartitionKey = workspaceId,
            RowKey = WorkspaceEventEntity.RowKeyFor(entry.At, entry.Discriminator),
            At = entry.At,
            Kind = entry.Kind,
            Message = entry.Message,
            Reason = entry.Reason,
            Actor = entry.Actor,
            OperationId = entry.OperationId,
            Source = entry.Source,
        };
        return tables.WorkspaceEvents.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<WorkspaceEventView>> ListAsync(string workspaceId, int max, string? kindPrefix, CancellationToken cancellationToken)
    {
        var items = new List<WorkspaceEventView>();
        await foreach (var e in tables.WorkspaceEvents.QueryAsync<WorkspaceEventEntity>(x => x.PartitionKey == workspaceId, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            if (kindPrefix is not null && !e.Kind.StartsWith(kindPrefix, StringComparison.Ordinal)) continue;
            items.Add(new WorkspaceEventView(e.At, e.Kind, e.Message, e.Reason, e.Actor, e.OperationId, e.Source));
            if (items.Count >= max) break;
        }

        return items;
    }
}
