using Azure;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.State;

/// <summary>Row writes for activities that already hold the workspace row they change.</summary>
public static class WorkspaceWrites
{
    /// <summary>
    /// <see cref="WorkspaceStore.MutateAsync"/> starting from <paramref name="read"/>, the row the caller holds, which saves
    /// the first read: <paramref name="mutate"/> is applied to it and it is written under that read's ETag. When another
    /// writer got there first, the row is read again and <paramref name="mutate"/> applied again
    /// (<see cref="OptimisticConcurrency.MutateAsync"/>, as the agents row's ingest does), so no update is lost.
    /// <paramref name="mutate"/> must be safe to apply twice. Returns the row as stored, or null when it no longer exists.
    /// </summary>
    public static Task<WorkspaceEntity?> UpdateAsync(WorkspaceStore workspaces, WorkspaceEntity read, Func<WorkspaceEntity, bool> mutate, CancellationToken cancellationToken) =>
        OptimisticConcurrency.MutateAsync(read, ct => workspaces.GetAsync(read.PartitionKey, read.RowKey, ct), mutate, workspaces.UpdateAsync, cancellationToken);
}
