using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Upgrades.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>Pins the workspace to a template version (the next build runs it). Idempotent; only the current operation may do it.</summary>
public sealed class ApplyTemplateVersionActivity(WorkspaceStore workspaces, TemplateStore templates, TimeProvider time)
{
    public async Task<bool> RunAsync(ApplyVersionInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var existing = await workspaces.GetAsync(op.Owner, op.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");
        _ = await templates.GetVersionAsync(existing.Template, input.Version, cancellationToken)
            ?? throw new InvalidOperationException($"Template {existing.Template} v{input.Version} does not exist.");
        var now = time.GetUtcNow();
        await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            if (w.OperationId != op.OperationId) throw new InvalidOperationException($"Operation {op.OperationId} is no longer current.");
            if (w.TemplateVersion == input.Version) return false;
            w.TemplateVersion = input.Version;
            w.UpdatedAt = now;
            return true;
        }, cancellationToken);
        return true;
    }
}
