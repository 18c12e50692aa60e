using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Operations.Compute;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Workspaces.Orchestrators;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Makes the workspace's compute exist and run a current agent build. Delivered at least once: when the build recorded
/// on the workspace already runs on the platform, it returns that build and starts nothing.
/// </summary>
public sealed class EnsureWorkspaceActivity(
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    ProvisionerRegistry provisioners,
    ComputeSpecBuilder compute,
    TimeProvider time)
{
    public async Task<EnsureWorkspaceResult> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");
        EnsureCurrent(workspace, input);
        var provisioner = provisioners.Get(workspace.Provisioner);
        var lookup = provisioner.FindAsync(workspace.ComputeRef(), cancellationToken);
        var template = await compute.TemplateAsync(workspace.Template, workspace.TemplateVersion, cancellationToken);
        int readyTimeout = template.ReadyTimeoutSeconds;

        var existing = await lookup;
        if (workspace.AgentBuild is { } build && existing is { Running: true } && existing.BuildId == build && existing.RunningReplicas == workspace.Replicas)
        {
            return new EnsureWorkspaceResult(build, workspace.Replicas, readyTimeout, workspace.LimitsEnforced, Reused: true, Note: null);
        }

        // A new build: a fresh token (the old one stops working), recorded before anything starts, so a retry after a
        // crash finds either the running build or nothing. The token, the build and its reset observed state are written
        // side by side: all land before anything starts, so the new build's first event finds its section.
        string buildId = Ids.NewBuildId();
        var issued = compute.IssueTokenAsync(input.WorkspaceId, input.Owner, buildId, workspace.Replicas, cancellationToken);
        var observed = await agents.ReadAsync(workspace, cancellationToken);
        var reset = agents.MutateAsync(workspace, observed, a =>
        {
            a.ResetTo(buildId);
            return true;
        }, cancellationToken);
        var now = time.GetUtcNow();
        var recorded = WorkspaceWrites.UpdateAsync(workspaces, workspace, w =>
        {
            EnsureCurrent(w, input);
            w.AgentBuild = buildId;
            w.BuildStartedAt = now;
            w.BuildParametersJson = w.ParametersJson;
            w.ClearLegacyObservedState();
            w.UpdatedAt = now;
            return true;
        }, cancellationToken);
        await Task.WhenAll(issued, reset, recorded);
        string token = await issued;
        workspace = await recorded ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");

        var spec = compute.Spec(workspace.ComputeRef(), template, workspace.Cpu, workspace.MemoryMiB, workspace.Replicas, buildId, token);
        var state = await provisioner.EnsureAsync(spec, cancellationToken);

        string resourceIds = Json.Serialize(state.ResourceIds);
        await WorkspaceWrites.UpdateAsync(workspaces, workspace, w =>
        {
            if (w.ResourceIds == resourceIds && w.LimitsEnforced == state.LimitsEnforced && w.Isolation == state.Isolation?.Level && w.IsolationReason == state.Isolation?.Reason) return false;
            w.ResourceIds = resourceIds;
            w.LimitsEnforced = state.LimitsEnforced;
            w.Isolation = state.Isolation?.Level;
            w.IsolationReason = state.Isolation?.Reason;
            return true;
        }, cancellationToken);
        return new EnsureWorkspaceResult(buildId, workspace.Replicas, readyTimeout, state.LimitsEnforced, Reused: false, state.Note, state.Isolation?.Level);
    }

    static void EnsureCurrent(WorkspaceEntity workspace, WorkspaceOperationInput input)
    {
        if (workspace.OperationId != input.OperationId)
            throw new InvalidOperationException($"Operation {input.OperationId} is no longer the workspace's current operation.");
    }
}
