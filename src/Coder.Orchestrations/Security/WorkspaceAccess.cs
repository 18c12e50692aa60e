using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Security;

/// <summary>Which workspaces a caller may see. Every route that names a workspace finds it here first.</summary>
public sealed class WorkspaceAccess(WorkspaceStore store)
{
    /// <summary>A workspace the caller may see; anything else (missing, deleted, someone else's) is the same 404.</summary>
    public async Task<WorkspaceEntity> FindVisibleAsync(CallerIdentity caller, string workspaceId, CancellationToken cancellationToken)
    {
        var workspace = await store.FindAsync(workspaceId, cancellationToken);
        if (workspace is null || workspace.IsIn(WorkspaceStatus.Deleted) || !caller.CanSee(workspace.PartitionKey))
            throw CoderProblemException.NotFound($"Workspace '{workspaceId}'");
        return workspace;
    }

    /// <summary>
    /// <see cref="FindVisibleAsync"/> and a read of the workspace's own data (its timeline, its metrics) side by side: the
    /// read starts with the check instead of after it, so such a route costs one round trip, not two. What it read is
    /// handed out only once the check has passed; a caller who may not see the workspace gets the same 404 and nothing else.
    /// </summary>
    public async Task<(WorkspaceEntity Workspace, T Data)> FindVisibleWithAsync<T>(CallerIdentity caller, string workspaceId,
        Func<string, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        // Only a well-formed id is read ahead: anything else is a 404 from the check, and reaches no storage key.
        if (!WorkspaceStore.IsWorkspaceId(workspaceId))
        {
            var found = await FindVisibleAsync(caller, workspaceId, cancellationToken);
            return (found, await read(found.RowKey, cancellationToken));
        }

        var data = read(workspaceId, cancellationToken);
        WorkspaceEntity workspace;
        try
        {
            workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        }
        catch
        {
            // The read's outcome is not wanted; it is observed so that its failure is not reported as unobserved.
            _ = data.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        return (workspace, await data);
    }
}
