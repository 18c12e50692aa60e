using Azure;

namespace Coder.Orchestrations.State;

/// <summary>Row writes for activities that already hold the workspace row they change.</summary>
public static class WorkspaceWrites
{
    /// <summary>
    /// Applies <paramref name="mutate"/> to <paramref name="read"/> and writes it under that read's ETag, which saves the
    /// re-read <see cref="WorkspaceStore.MutateAsync"/> starts with. When another writer got there first (412), it falls back
    /// to <see cref="WorkspaceStore.MutateAsync"/>, which re-reads and applies it again, so no update is lost.
    /// <paramref name="mutate"/> must be safe to apply twice. Returns the row as stored, or null when it no longer exists.
    /// </summary>
    public static async Task<WorkspaceEntity?> UpdateAsync(WorkspaceStore workspaces, WorkspaceEntity read, Func<WorkspaceEntity, bool> mutate, CancellationToken cancellationToken)
    {
        if (!mutate(read)) return read;
        try
        {
            return await workspaces.UpdateAsync(read, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return await workspaces.MutateAsync(read.PartitionKey, read.RowKey, mutate, cancellationToken);
        }
    }
}
