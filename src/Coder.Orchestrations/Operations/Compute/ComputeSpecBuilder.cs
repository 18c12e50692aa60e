using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Templates;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Operations.Compute;

/// <summary>
/// The one sequence every activity that asks a provisioner for compute follows: the template version, then a token for the
/// build, then the resource spec that carries the agent's bootstrap environment, with the agent's ready timeout. The steps
/// are separate because callers put their own idempotence checks and row writes between them.
/// </summary>
public sealed class ComputeSpecBuilder(TemplateStore templates, AgentTokenService tokens, AgentBootstrap bootstrap, IOptions<AgentBootstrapOptions> agentOptions)
{
    /// <summary>The template version the compute runs; a version that is gone fails the activity.</summary>
    public async Task<ComputeTemplate> TemplateAsync(string name, int version, CancellationToken cancellationToken)
    {
        var template = await templates.GetVersionAsync(name, version, cancellationToken)
            ?? throw new InvalidOperationException($"Template {name} v{version} no longer exists.");
        return new ComputeTemplate(name, version, template.Spec.Image, template.Spec.Resources?.DiskGiB,
            template.Spec.Agent?.ReadyTimeoutSeconds ?? agentOptions.Value.ReadyTimeoutSeconds);
    }

    /// <summary>A fresh agent token for <paramref name="buildId"/> (the build's earlier tokens stop working).</summary>
    public Task<string> IssueTokenAsync(string workspaceId, string owner, string buildId, int replicas, CancellationToken cancellationToken) =>
        tokens.IssueAsync(workspaceId, owner, buildId, replicas, cancellationToken);

    /// <summary>What <paramref name="compute"/> should look like: the template's image and disk, the given size, and the build's agent environment.</summary>
    public WorkspaceResourceSpec Spec(WorkspaceRef compute, ComputeTemplate template, double cpu, int memoryMiB, int replicas, string buildId, string token) =>
        new(compute, template.Name, template.Version, template.Image, cpu, memoryMiB, template.DiskGiB, replicas, buildId,
            bootstrap.Environment(compute.WorkspaceId, buildId, token));
}
