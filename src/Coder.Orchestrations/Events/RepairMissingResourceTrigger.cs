using Coder.Contracts.Operations;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Telemetry;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Workspaces;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Events;

/// <summary>
/// The default reconcile trigger until the reconciler lands: a workspace that should run but whose compute is missing or
/// not running gets the idempotent start path (a fresh agent build). Anything else is left to the operation already
/// running or to the next reconcile pass.
/// </summary>
public sealed partial class RepairMissingResourceTrigger(
    WorkspaceStore workspaces,
    ProvisionerRegistry provisioners,
    WorkspaceService service,
    WorkspaceTimeline timeline,
    CoderMetrics metrics,
    TimeProvider time,
    ILogger<RepairMissingResourceTrigger> logger) : IWorkspaceReconcileTrigger
{
    public const string Actor = "system:eventgrid";

    public async Task<ReconcileTriggerOutcome> TriggerAsync(WorkspaceRef workspace, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var w = await workspaces.GetAsync(workspace.Owner, workspace.WorkspaceId, cancellationToken);
        if (w is null || w.Status == "deleted") return new ReconcileTriggerOutcome(false, "The workspace no longer exists.");
        if (w.DesiredState != DesiredStates.Running) return new ReconcileTriggerOutcome(false, $"The workspace is meant to be {w.DesiredState}.");
        if (w.OperationId is { } running) return new ReconcileTriggerOutcome(false, $"Operation {running} is running and converges the workspace.", running);

        var item = (await provisioners.Get(w.Provisioner).InventoryAsync(cancellationToken)).FirstOrDefault(i => i.WorkspaceId == w.RowKey);
        if (item is { Running: true } && item.RunningReplicas >= w.Replicas && item.BuildId == w.AgentBuild)
            return new ReconcileTriggerOutcome(false, "The workspace's compute runs as desired.");

        try
        {
            var accepted = await service.RequestSystemOperationAsync(w.PartitionKey, w.RowKey, OperationKind.Start, Actor, reason, client, cancellationToken);
            string operationId = accepted.Operation.Id;
            await timeline.AppendAsync(w.RowKey, new TimelineEntry(
                time.GetUtcNow(), $"{operationId}-repair", "reconcile.repair",
                item is null ? "The workspace's compute is missing; starting it again." : "The workspace's compute is not running as desired; starting it again.",
                reason, Actor, operationId), cancellationToken);
            metrics.RecordReconcileAction(reason);
            LogRepairStarted(logger, w.RowKey, operationId, reason);
            return new ReconcileTriggerOutcome(true, "Repair started.", operationId);
        }
        catch (CoderProblemException e) when (e.Status is 404 or 409)
        {
            // Deleted or claimed by another operation in the meantime: that one decides.
            return new ReconcileTriggerOutcome(false, e.Detail ?? e.Title, e.OperationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Repair of workspace {WorkspaceId} started as {OperationId} ({Reason})")]
    static partial void LogRepairStarted(ILogger logger, string workspaceId, string operationId, string reason);
}
