using Azure.Data.Tables;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.State;

namespace Coder.EndToEnd.Tests.Reconciliation;

/// <summary>Reads what the reconciler wrote, straight from storage: pass records, orphan sightings, any timeline.</summary>
public sealed class ReconcileRecords(string connectionString, string prefix)
{
    readonly TableServiceClient _service = new(connectionString);

    public async Task<List<ReconcilePassEntity>> PassesAsync()
    {
        var passes = new List<ReconcilePassEntity>();
        try
        {
            await foreach (var p in _service.GetTableClient(prefix + ReconcileStateStore.TableName).QueryAsync<ReconcilePassEntity>(x => x.PartitionKey == ReconcilePassEntity.PartitionName)) passes.Add(p);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No pass yet: the table is created by the first one.
        }

        return passes.OrderBy(p => p.StartedAt).ToList();
    }

    public async Task<bool> OrphanSeenAsync(string workspaceId)
    {
        try
        {
            await foreach (var o in _service.GetTableClient(prefix + ReconcileStateStore.TableName).QueryAsync<ReconcileOrphanEntity>(x => x.PartitionKey == ReconcileOrphanEntity.PartitionName))
            {
                if (o.RowKey.EndsWith("|" + workspaceId, StringComparison.Ordinal)) return true;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
        }

        return false;
    }

    /// <summary>The timeline of any workspace id, even one no workspace row has (the API answers 404 for those).</summary>
    public async Task<List<WorkspaceEventEntity>> TimelineAsync(string workspaceId)
    {
        var items = new List<WorkspaceEventEntity>();
        await foreach (var e in _service.GetTableClient(prefix + TableNames.WorkspaceEvents).QueryAsync<WorkspaceEventEntity>(x => x.PartitionKey == workspaceId)) items.Add(e);
        return items;
    }
}
