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
}
