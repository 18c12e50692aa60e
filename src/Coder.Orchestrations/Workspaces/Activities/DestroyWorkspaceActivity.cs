using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Connect;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Removes everything the workspace owns on its platform (also the compensation of a failed provision) and revokes its
/// agent tokens and relay entities. Idempotent. A forced delete (<see cref="WorkspaceOperationInput.Force"/>) goes on
/// when a step on the platform fails: the compute is gone or unreachable, so its error is recorded (timeline, audit
/// log) instead of failing the delete, and the reconciler removes what is left as an orphan once it can.
/// </summary>
public sealed partial class DestroyWorkspaceActivity(
    WorkspaceStore workspaces,
    ProvisionerRegistry provisioners,
    AgentTokenService tokens,
    AgentSeqMarkers markers,
    RelayTokenService relay,
    WorkspaceTimeline timeline,
    AuditLog audit,
    TimeProvider time,
    ILogger<DestroyWorkspaceActivity> logger)
{
    /// <summary>The reason of a forced delete (its operation and timeline).</summary>
    public const string ForceReason = "force_delete";

    /// <summary>The timeline reason of a teardown step a forced delete went past.</summary>
    public const string TeardownFailedReason = "teardown_failed";

    public async Task<bool> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        var platform = provisioners.Get(workspace?.Provisioner ?? "local");
        var compute = workspace?.ComputeRef() ?? new WorkspaceRef(input.WorkspaceId, input.Owner);
        await StepAsync(input, "compute", $"removing its compute on {platform.Name}", () => platform.DestroyAsync(compute, cancellationToken), cancellationToken);

        // A blue-green green still coming up, or a blue in its grace period, goes with the workspace.
        if (workspace?.PendingInstance is { } green)
            await StepAsync(input, "green", $"removing its green instance on {platform.Name}", () => platform.DestroyAsync(new WorkspaceRef(input.WorkspaceId, input.Owner, green), cancellationToken), cancellationToken);
        if (workspace?.RetiredInstance is { } blue)
        {
            var (_, instance) = WorkspaceRef.ParseComputeName(blue);
            await StepAsync(input, "blue", $"removing its retired blue instance on {platform.Name}", () => platform.DestroyAsync(new WorkspaceRef(input.WorkspaceId, input.Owner, instance), cancellationToken), cancellationToken);
        }

        // The platform's own records: these never depend on the compute, so even a forced delete needs them to succeed.
        await tokens.RevokeWorkspaceAsync(input.WorkspaceId, cancellationToken);

        // Nothing its revoked agents send is applied again, so their redelivery markers can go.
        await markers.ForgetWorkspaceAsync(input.WorkspaceId, cancellationToken);

        // Its relay entities (Azure Relay hybrid connections) go too; a 404 is fine, so a retry is too.
        await StepAsync(input, "relay", "deleting its relay entities", () => relay.DeleteAsync(input.WorkspaceId, Math.Max(workspace?.Replicas ?? 1, 1), cancellationToken), cancellationToken);
        return true;
    }

    /// <summary>Runs one teardown step; under force a failure is recorded and the delete goes on.</summary>
    async Task StepAsync(WorkspaceOperationInput input, string key, string what, Func<Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (input.Force && e is not OperationCanceledException)
        {
            // The member's sentence names the step; the raw error (it may hold a host path or an ARM body) is for admins.
            LogTeardownFailed(logger, input.WorkspaceId, what, e);
            var now = time.GetUtcNow();
            await timeline.AppendAsync(input.WorkspaceId, new TimelineEntry(now, $"{input.OperationId}-teardown-{key}", "delete.teardown-failed",
                $"Forced delete: {what} failed, and the delete went on. What is left there is removed by the reconciler as an orphan once the platform answers.",
                TeardownFailedReason, input.Actor, input.OperationId), cancellationToken);
            await audit.RecordAsync(new AuditEntry(input.Actor, "workspace.delete.teardown-failed", $"workspaces/{input.WorkspaceId}", AuditResults.Failed,
                Detail: $"{what}: {e.GetType().Name}: {e.Message}"), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forced delete of workspace {WorkspaceId}: {Step} failed; going on")]
    static partial void LogTeardownFailed(ILogger logger, string workspaceId, string step, Exception exception);
}
