using Coder.Contracts;
using Coder.Contracts.Operations;
using Coder.Contracts.Snapshots;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Snapshots;

/// <summary>
/// The snapshot routes' logic. A snapshot or restore is a workspace operation (one at a time, 409 otherwise). The
/// snapshot row is written as <c>capturing</c> before the orchestration starts and only the capture activity makes it
/// <c>ready</c>.
/// </summary>
public sealed class SnapshotService(WorkspaceAccess workspaces, WorkspaceStore store, OperationLauncher launcher, SnapshotTable snapshots, SnapshotDeleter deleter, ProvisionerRegistry provisioners, TimeProvider time)
{
    public const int MaxLabelLength = 100;

    public async Task<SnapshotAccepted> RequestSnapshotAsync(CallerIdentity caller, string workspaceId, CreateSnapshotRequest request, DurableTaskClient client, string trigger, CancellationToken cancellationToken)
    {
        if (request.Label is { Length: > MaxLabelLength }) throw CoderProblemException.Validation("label", $"At most {MaxLabelLength} characters.");
        var workspace = await workspaces.FindVisibleAsync(caller, workspaceId, cancellationToken);
        var resume = ResumeStatus(workspace, "snapshotted");
        string operationId = await launcher.ClaimOperationAsync(workspace, OperationKind.Snapshot, caller.Actor, cancellationToken);
        string snapshotId = await RecordAsync(workspace, request.Label, trigger, operationId, cancellationToken);
        var input = new SnapshotOperationInput(new WorkspaceOperationInput(workspace.RowKey, workspace.PartitionKey, operationId, OperationKind.Snapshot, caller.Actor, trigger == "manual" ? "user_request" : "snapshot_schedule"), snapshotId, resume);
        await OperationLauncher.ScheduleIdempotentAsync(client, nameof(SnapshotWorkspaceOrchestrator), input, operationId, cancellationToken);
        return new SnapshotAccepted(OperationLauncher.Pending(operationId, OperationKind.Snapshot), snapshotId);
    }

    public async Task<OperationAccepted> RequestRestoreAsync(CallerIdentity caller, string workspaceId, RestoreWorkspaceRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        // Visibility first: someone else's workspace is 404 whatever the body says.
        var workspace = await workspaces.FindVisibleAsync(caller, workspaceId, cancellationToken);
        if (request.SnapshotId is null) throw CoderProblemException.Validation("snapshotId", "Required.");
        var target = await snapshots.FindAsync(request.SnapshotId, cancellationToken);
        if (target is null || !caller.CanSee(target.Owner)) throw CoderProblemException.Validation("snapshotId", "No snapshot with this id was found.");
        if (!target.IsIn(SnapshotStatus.Ready)) throw CoderProblemException.Validation("snapshotId", $"The snapshot is {target.Status}, not ready.");
        var resume = ResumeStatus(workspace, "restored");
        string operationId = await launcher.ClaimOperationAsync(workspace, OperationKind.Restore, caller.Actor, cancellationToken);
        string safetyId = await RecordAsync(workspace, $"before restoring {target.RowKey}", "pre-restore", operationId, cancellationToken);
        var input = new RestoreOperationInput(new WorkspaceOperationInput(workspace.RowKey, workspace.PartitionKey, operationId, OperationKind.Restore, caller.Actor, "user_request"), target.RowKey, safetyId, resume);
        await OperationLauncher.ScheduleIdempotentAsync(client, nameof(RestoreWorkspaceOrchestrator), input, operationId, cancellationToken);
        return new OperationAccepted(OperationLauncher.Pending(operationId, OperationKind.Restore));
    }

    /// <summary>The workspace's snapshots, newest first, followed by the ancestors it branched from (taken of other workspaces).</summary>
    public async Task<ItemsPage<SnapshotView>> ListAsync(CallerIdentity caller, string workspaceId, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.FindVisibleAsync(caller, workspaceId, cancellationToken);
        var own = (await snapshots.ListAsync(workspace.RowKey, cancellationToken)).OrderByDescending(s => s.CreatedAt).ToList();
        var items = own.Select(ToView).ToList();
        var seen = own.Select(s => s.RowKey).ToHashSet(StringComparer.Ordinal);
        var parents = own.Select(s => s.ParentId).Append(workspace.SourceSnapshot).Where(p => p is not null && !seen.Contains(p)).Distinct().ToList();
        foreach (string? start in parents)
        {
            for (string? id = start; id is not null && seen.Add(id);)
            {
                var ancestor = await snapshots.FindAsync(id, cancellationToken);
                if (ancestor is null) break;
                items.Add(ToView(ancestor));
                id = ancestor.ParentId;
            }
        }

        return new ItemsPage<SnapshotView>(items);
    }

    /// <summary>
    /// Deletes one of the workspace's snapshots (404 for anyone else's, or an id not of this workspace). Snapshots taken of
    /// it, here or in branches, keep working: they are re-parented to its parent. 409 while it is still being captured.
    /// </summary>
    public async Task DeleteAsync(CallerIdentity caller, string workspaceId, string snapshotId, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.FindVisibleAsync(caller, workspaceId, cancellationToken);
        var snapshot = await snapshots.GetAsync(workspace.RowKey, snapshotId, cancellationToken) ?? throw CoderProblemException.NotFound($"Snapshot '{snapshotId}'");
        if (snapshot.IsIn(SnapshotStatus.Capturing)) throw CoderProblemException.Conflict($"Snapshot {snapshotId} is still being captured.", snapshot.OperationId);
        if (workspace.OperationId is { } running && snapshot.OperationId == running)
            throw CoderProblemException.Conflict($"Operation {running} is still using snapshot {snapshotId}.", running);
        var provisioner = provisioners.Get(workspace.Provisioner);
        if (!provisioner.Capabilities.SnapshotDelete) throw CoderProblemException.Conflict($"The {workspace.Provisioner} provisioner cannot delete snapshots yet.");
        var children = (await snapshots.ScanAsync(cancellationToken)).Where(s => s.ParentId == snapshotId).ToList();
        await deleter.DeleteAsync(snapshot, children, provisioner, cancellationToken);

        // The workspace's head moves back to the parent, so its next snapshot descends from one that exists.
        if (workspace.HeadSnapshot == snapshotId)
        {
            await store.MutateAsync(workspace.PartitionKey, workspace.RowKey, w =>
            {
                if (w.HeadSnapshot != snapshotId) return false;
                w.HeadSnapshot = snapshot.ParentId;
                return true;
            }, cancellationToken);
        }
    }

    public static SnapshotView ToView(SnapshotEntity s) => new()
    {
        Id = s.RowKey,
        WorkspaceId = s.PartitionKey,
        ParentId = s.ParentId,
        Label = s.Label,
        CreatedAt = s.CreatedAt,
        SizeBytes = s.SizeBytes,
        Sha256 = s.Sha256,
        Status = WireNames.Parse<SnapshotStatus>(s.Status),
        Trigger = s.Trigger,
        Error = s.Error,
    };

    WorkspaceStatus ResumeStatus(WorkspaceEntity workspace, string verb)
    {
        if (!provisioners.Get(workspace.Provisioner).Capabilities.Snapshots)
            throw CoderProblemException.Conflict($"Workspaces of the {workspace.Provisioner} provisioner cannot be {verb} yet.");
        if (workspace.OperationId is { } running) throw OperationLauncher.StillRunning(running);
        return workspace.IsIn(WorkspaceStatus.Running, WorkspaceStatus.Stopped)
            ? WireNames.Parse<WorkspaceStatus>(workspace.Status)
            : throw CoderProblemException.Conflict($"Only a running or stopped workspace can be {verb} (it is {workspace.Status}).");
    }

    async Task<string> RecordAsync(WorkspaceEntity workspace, string? label, string trigger, string operationId, CancellationToken cancellationToken)
    {
        string snapshotId = SnapshotIds.New(workspace.RowKey);
        await snapshots.CreateAsync(new SnapshotEntity
        {
            PartitionKey = workspace.RowKey,
            RowKey = snapshotId,
            Owner = workspace.PartitionKey,
            ParentId = workspace.HeadSnapshot,
            Label = label,
            Trigger = trigger,
            OperationId = operationId,
            Status = "capturing",
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken);
        return snapshotId;
    }
}
