using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Workspaces.Orchestrators;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Records a size on the workspace and applies it through the provisioner (live where the platform allows). Idempotent:
/// applying the same size twice changes nothing. New replicas join the current build with a token of their own.
/// </summary>
public sealed class ApplySizeActivity(
    WorkspaceStore workspaces,
    TemplateStore templates,
    ProvisionerRegistry provisioners,
    AgentTokenService tokens,
    AgentBootstrap bootstrap,
    IOptions<AgentBootstrapOptions> agentOptions,
    TimeProvider time)
{
    public async Task<EnsureWorkspaceResult> RunAsync(ApplySizeInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var now = time.GetUtcNow();
        var workspace = await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            if (w.OperationId != op.OperationId) throw new InvalidOperationException($"Operation {op.OperationId} is no longer current.");
            var states = AgentStates.Parse(w.AgentStates);
            foreach (string agent in states.Keys.Where(a => ReplicaOf(a) >= input.Replicas).ToList()) states.Remove(agent);
            w.AgentStates = AgentStates.Serialize(states);
            w.AgentLifecycle = Common.WireNames.Of(AgentStates.Aggregate(states, input.Replicas));
            if (w.Cpu != input.Cpu || w.MemoryMiB != input.MemoryMiB || w.Replicas != input.Replicas) w.LastScaledAt = now;
            w.Cpu = input.Cpu;
            w.MemoryMiB = input.MemoryMiB;
            w.Replicas = input.Replicas;
            w.UpdatedAt = now;
            return true;
        }, cancellationToken) ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");

        string build = workspace.AgentBuild ?? throw new InvalidOperationException("The workspace has no running build to resize.");
        var template = await templates.GetVersionAsync(workspace.Template, workspace.TemplateVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Template {workspace.Template} v{workspace.TemplateVersion} no longer exists.");
        string token = await tokens.IssueAsync(op.WorkspaceId, op.Owner, build, cancellationToken);
        var spec = new WorkspaceResourceSpec(
            workspace.ComputeRef(), workspace.Template, workspace.TemplateVersion, template.Spec.Image,
            input.Cpu, input.MemoryMiB, template.Spec.Resources?.DiskGiB, input.Replicas, build, bootstrap.Environment(op.WorkspaceId, build, token));
        var outcome = await provisioners.Get(workspace.Provisioner).ResizeAsync(spec, cancellationToken);
        await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            w.LimitsEnforced = outcome.LimitsEnforced;
            return true;
        }, cancellationToken);
        int readyTimeout = template.Spec.Agent?.ReadyTimeoutSeconds ?? agentOptions.Value.ReadyTimeoutSeconds;
        return new EnsureWorkspaceResult(build, input.Replicas, readyTimeout, outcome.LimitsEnforced, Reused: !outcome.Restarted, outcome.Note);
    }

    /// <summary>Agent ids end in <c>-r{replica}</c>.</summary>
    static int ReplicaOf(string agentId)
    {
        int at = agentId.LastIndexOf("-r", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(agentId.AsSpan(at + 2), out int n) ? n : 0;
    }
}
