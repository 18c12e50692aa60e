using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Operations.Compute;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Records a size on the workspace and applies it through the provisioner (live where the platform allows). Idempotent:
/// applying the same size twice changes nothing. New replicas join the current build with a token of their own.
/// </summary>
public sealed class ApplySizeActivity(
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    ProvisionerRegistry provisioners,
    ComputeSpecBuilder compute,
    TimeProvider time)
{
    public async Task<EnsureWorkspaceResult> RunAsync(ApplySizeInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var now = time.GetUtcNow();
        var workspace = await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            if (w.OperationId != op.OperationId) throw new InvalidOperationException($"Operation {op.OperationId} is no longer current.");
            if (w.Cpu != input.Cpu || w.MemoryMiB != input.MemoryMiB || w.Replicas != input.Replicas) w.LastScaledAt = now;
            w.Cpu = input.Cpu;
            w.MemoryMiB = input.MemoryMiB;
            w.Replicas = input.Replicas;
            w.UpdatedAt = now;
            return true;
        }, cancellationToken) ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");

        string build = workspace.AgentBuild ?? throw new InvalidOperationException("The workspace has no running build to resize.");

        // Replicas that go are forgotten, and the workspace's lifecycle is the least advanced of the ones that stay.
        await agents.MutateAsync(workspace, null, a =>
        {
            if (a.Build != build) return false;
            var states = AgentStates.Parse(a.AgentStates);
            foreach (string agent in states.Keys.Where(id => AgentIds.ReplicaOf(id) >= input.Replicas).ToList()) states.Remove(agent);
            a.AgentStates = AgentStates.Serialize(states);
            a.Lifecycle = Common.WireNames.Of(AgentStates.Aggregate(states, input.Replicas));
            return true;
        }, cancellationToken);
        var template = await compute.TemplateAsync(workspace.Template, workspace.TemplateVersion, cancellationToken);
        string token = await compute.IssueTokenAsync(op.WorkspaceId, op.Owner, build, input.Replicas, cancellationToken);
        var spec = compute.Spec(workspace.ComputeRef(), template, input.Cpu, input.MemoryMiB, input.Replicas, build, token);
        var outcome = await provisioners.Get(workspace.Provisioner).ResizeAsync(spec, cancellationToken);
        await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            w.LimitsEnforced = outcome.LimitsEnforced;
            return true;
        }, cancellationToken);
        return new EnsureWorkspaceResult(build, input.Replicas, template.ReadyTimeoutSeconds, outcome.LimitsEnforced, Reused: !outcome.Restarted, outcome.Note);
    }
}
