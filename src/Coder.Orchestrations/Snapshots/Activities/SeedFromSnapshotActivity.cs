using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Snapshots.Activities;

/// <summary>Fills a branched workspace's folder with its source snapshot before its agent first starts. Idempotent.</summary>
public sealed class SeedFromSnapshotActivity(WorkspaceStore workspaces, RestoreSnapshotActivity restore)
{
    public async Task<bool> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");
        string source = workspace.SourceSnapshot ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} has no source snapshot.");
        return await restore.RunAsync(new SnapshotStepInput(input.WorkspaceId, input.Owner, source), cancellationToken);
    }
}
