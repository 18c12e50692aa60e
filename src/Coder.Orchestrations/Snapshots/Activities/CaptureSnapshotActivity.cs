using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Snapshots.Activities;

/// <summary>
/// Captures a snapshot through the workspace's provisioner and only then marks its row ready, so a failed capture never
/// shows as ready. Idempotent: a capture of the same id returns the same capture, and a ready row is returned as is.
/// </summary>
public sealed class CaptureSnapshotActivity(WorkspaceStore workspaces, SnapshotTable snapshots, ProvisionerRegistry provisioners, TimeProvider time)
{
    public async Task<SnapshotCaptureResult> RunAsync(SnapshotStepInput input, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.GetAsync(input.WorkspaceId, input.SnapshotId, cancellationToken)
            ?? throw new InvalidOperationException($"Snapshot {input.SnapshotId} is not recorded.");
        if (snapshot.IsIn(Contracts.Snapshots.SnapshotStatus.Ready)) return new SnapshotCaptureResult(snapshot.RowKey, snapshot.SizeBytes ?? 0, snapshot.Sha256!, snapshot.UploadedBytes ?? 0);
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");
        var capture = await provisioners.Get(workspace.Provisioner).SnapshotAsync(workspace.ComputeRef(), new SnapshotRequest(snapshot.RowKey, snapshot.ParentId, snapshot.Label), cancellationToken);

        var now = time.GetUtcNow();
        snapshot = await snapshots.MutateAsync(input.WorkspaceId, input.SnapshotId, s =>
        {
            if (s.IsIn(Contracts.Snapshots.SnapshotStatus.Ready)) return false;
            s.Status = "ready";
            s.SizeBytes = capture.SizeBytes;
            s.Sha256 = capture.Sha256;
            s.Location = capture.Location;
            s.UploadedBytes = Math.Max(capture.UploadedBytes, s.UploadedBytes ?? 0);
            s.Error = null;
            s.CompletedAt = now;
            return true;
        }, cancellationToken) ?? throw new InvalidOperationException($"Snapshot {input.SnapshotId} was deleted during its capture.");
        await workspaces.MutateAsync(input.Owner, input.WorkspaceId, w =>
        {
            if (w.HeadSnapshot == input.SnapshotId) return false;
            w.HeadSnapshot = input.SnapshotId;
            return true;
        }, cancellationToken);
        return new SnapshotCaptureResult(snapshot.RowKey, snapshot.SizeBytes ?? 0, snapshot.Sha256!, snapshot.UploadedBytes ?? 0);
    }
}
