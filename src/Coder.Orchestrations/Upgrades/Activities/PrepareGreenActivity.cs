using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Operations.Compute;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Coder.Orchestrations.Workspaces;
using Coder.Orchestrations.Workspaces.Orchestrators;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// Brings up a blue-green upgrade's green beside blue: a second compute instance of the workspace, its content restored
/// from blue's snapshot, running the new version with its own build and token. Blue's row fields stay as they are; the
/// green is recorded in the pending fields, before anything starts, so a retry finds it. Delivered at least once: a green
/// already running its build is returned as it is.
/// </summary>
public sealed class PrepareGreenActivity(
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    ProvisionerRegistry provisioners,
    ComputeSpecBuilder compute,
    TimeProvider time)
{
    public async Task<EnsureWorkspaceResult> RunAsync(GreenInput input, CancellationToken cancellationToken)
    {
        var op = input.Upgrade.Operation;
        var workspace = await workspaces.GetAsync(op.Owner, op.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");
        RequireCurrent(workspace, op);
        var provisioner = provisioners.Get(workspace.Provisioner);
        if (!provisioner.Capabilities.BlueGreen)
            throw new InvalidOperationException($"The {provisioner.Name} provisioner cannot run a second instance of a workspace, so blue-green is not available for it; use in-place.");
        var template = await compute.TemplateAsync(workspace.Template, input.Upgrade.ToVersion, cancellationToken);
        int readyTimeout = template.ReadyTimeoutSeconds;

        // The operation's generation names the green, so every delivery of this activity aims at the same instance.
        string instance = $"g{workspace.OperationGeneration}";
        var green = new WorkspaceRef(op.WorkspaceId, op.Owner, instance);
        var existing = await provisioner.FindAsync(green, cancellationToken);
        if (workspace.PendingBuild is { } build && workspace.PendingInstance == instance && existing is { Running: true } && existing.BuildId == build && existing.RunningReplicas == workspace.Replicas)
        {
            return new EnsureWorkspaceResult(build, workspace.Replicas, readyTimeout, workspace.LimitsEnforced, Reused: true, Note: null);
        }

        string buildId = Ids.NewBuildId();
        string token = await compute.IssueTokenAsync(op.WorkspaceId, op.Owner, buildId, workspace.Replicas, cancellationToken);
        workspace = await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            RequireCurrent(w, op);
            w.PendingInstance = instance;
            w.PendingBuild = buildId;
            w.PendingTemplateVersion = input.Upgrade.ToVersion;
            w.UpdatedAt = time.GetUtcNow();
            return true;
        }, cancellationToken) ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");
        var live = workspace;
        await agents.MutateAsync(workspace, null, a =>
        {
            // Green's section starts empty; blue's live section stays as it is.
            if (a.PendingBuild == buildId) return false;
            if (live.AgentBuild is { } blue && a.Build != blue && a.PendingBuild == blue) a.ResetTo(blue);
            a.ResetPendingTo(buildId);
            return true;
        }, cancellationToken);

        // A half-started green of an earlier delivery stops first, so its content is restored whole before anything runs on it.
        await provisioner.StopAsync(green, cancellationToken);
        await provisioner.RestoreAsync(green, new RestoreRequest(input.Point.SnapshotId, input.Point.Location, input.Point.Sha256), cancellationToken);
        var spec = compute.Spec(green, template, workspace.Cpu, workspace.MemoryMiB, workspace.Replicas, buildId, token);
        var state = await provisioner.EnsureAsync(spec, cancellationToken);
        return new EnsureWorkspaceResult(buildId, workspace.Replicas, readyTimeout, state.LimitsEnforced, Reused: false, state.Note);
    }

    internal static void RequireCurrent(State.WorkspaceEntity workspace, WorkspaceOperationInput op)
    {
        if (workspace.OperationId != op.OperationId)
            throw new InvalidOperationException($"Operation {op.OperationId} is no longer the workspace's current operation.");
    }
}
