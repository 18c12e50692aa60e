using Coder.Contracts.Operations;
using Coder.Contracts.Templates;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Scaling;

/// <summary>A size checked against the template's limits, and the scale operation that applies it: the one way PATCH and the autoscaler scale.</summary>
public sealed class ScaleOperations(TemplateStore templates, OperationLauncher launcher)
{
    /// <summary>
    /// The autoscaler's way in: the same limit check, claim and scale orchestration as PATCH, with its own actor and reason.
    /// Throws 409 when another operation holds the workspace, 400 when the size breaks the template's limits.
    /// </summary>
    public async Task<string> StartAsync(WorkspaceEntity workspace, ScaleTarget target, string actor, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var template = await templates.GetVersionAsync(workspace.Template, workspace.TemplateVersion, cancellationToken) ?? throw CoderProblemException.NotFound($"Template {workspace.Template} v{workspace.TemplateVersion}");
        var errors = new ValidationErrors();
        ValidateSize(target.Cpu, target.MemoryMiB, target.Replicas, template.Spec, errors);
        errors.ThrowIfAny();
        if (!workspace.IsIn(WorkspaceStatus.Running))
            throw CoderProblemException.Conflict($"Only a running workspace can be scaled (it is {workspace.Status}).", workspace.OperationId);
        return await launcher.StartAsync(workspace, OperationKind.Scale, actor, reason, client, target, unchangedSinceRead: false, cancellationToken);
    }

    /// <summary>Adds an error per field of a size the template's limits do not allow.</summary>
    public static void ValidateSize(double cpu, int memory, int replicas, TemplateSpec spec, ValidationErrors errors)
    {
        var limits = spec.Limits!;
        if (!(cpu >= 0.1)) errors.Add("size.cpu", "At least 0.1.");
        else if (cpu > limits.MaxCpu) errors.Add("size.cpu", $"At most {limits.MaxCpu} (the template's limit).");
        if (memory < 64) errors.Add("size.memoryMiB", "At least 64.");
        else if (memory > limits.MaxMemoryMiB) errors.Add("size.memoryMiB", $"At most {limits.MaxMemoryMiB} (the template's limit).");
        if (replicas > limits.MaxReplicas) errors.Add("replicas", $"At most {limits.MaxReplicas} (the template's limit).");
    }
}
