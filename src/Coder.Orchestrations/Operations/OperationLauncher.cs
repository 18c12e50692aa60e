using Azure;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.State;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// How every operation starts, whichever feature orchestrates it: the workspace's operation slot is claimed on its row
/// with an ETag, so at most one operation runs per workspace; the operation row is recorded; the orchestration is
/// scheduled under the operation id, so a retried request is the same work. The loser of a claim race gets 409 naming
/// the winner, or 412 when it named the ETag it read (If-Match), which is then the claim's own condition.
/// </summary>
public sealed partial class OperationLauncher(WorkspaceStore store, OperationStore operations, QuotaLedger quotas, TimeProvider time, ILogger<OperationLauncher> logger)
{
    /// <summary>Where a client polls an operation.</summary>
    public static string OperationUrl(string operationId) => $"/api/operations/{operationId}";

    /// <summary>The answer to a request that started <paramref name="operationId"/>.</summary>
    public static OperationRef Pending(string operationId, OperationKind kind) =>
        new(operationId, kind, OperationStatus.Pending, OperationUrl(operationId));

    /// <summary>
    /// Claims <paramref name="workspace"/> for <paramref name="kind"/>, records the operation and schedules the kind's
    /// orchestration (or <paramref name="orchestrator"/>, with <paramref name="input"/> when that one takes its own).
    /// With <paramref name="unchangedSinceRead"/> the claim is written under the very ETag the caller read: a change since is 412.
    /// </summary>
    public async Task<string> StartAsync(
        WorkspaceEntity workspace, OperationKind kind, string actor, string reason, DurableTaskClient client,
        ScaleTarget? scale, bool unchangedSinceRead, CancellationToken cancellationToken)
    {
        string operationId = (await ClaimAsync(workspace, kind, decide: null, unchangedSinceRead, cancellationToken))!;
        await StartClaimedAsync(workspace, kind, operationId, actor, reason, client, scale, orchestrator: null, cancellationToken);
        return operationId;
    }

    /// <summary>
    /// Records and schedules an operation whose claim is already on the workspace row (a create writes the row with its
    /// first operation in it). <paramref name="orchestrator"/> overrides the kind's own orchestration.
    /// </summary>
    public async Task StartClaimedAsync(
        WorkspaceEntity workspace, OperationKind kind, string operationId, string actor, string reason, DurableTaskClient client,
        ScaleTarget? scale, string? orchestrator, CancellationToken cancellationToken)
    {
        await RecordAsync(workspace, kind, operationId, actor, cancellationToken);
        var input = new WorkspaceOperationInput(workspace.RowKey, workspace.PartitionKey, operationId, kind, actor, reason, scale);
        await ScheduleIdempotentAsync(client, orchestrator ?? WorkspaceOrchestrations.OrchestratorFor(kind), input, operationId, cancellationToken);
        LogOperationStarted(logger, operationId, workspace.RowKey, actor);
    }

    /// <summary>
    /// Claims the workspace for an operation whose orchestration takes an input of its own (snapshot, restore, upgrade)
    /// and records the operation; the caller schedules it with <see cref="ScheduleIdempotentAsync"/> under the returned id.
    /// 409 while another operation runs.
    /// </summary>
    public Task<string> ClaimOperationAsync(WorkspaceEntity workspace, OperationKind kind, string actor, CancellationToken cancellationToken) =>
        ClaimOperationAsync(workspace, kind, actor, alsoWrite: null, cancellationToken);

    /// <summary>
    /// The claim, with <paramref name="alsoWrite"/> applied to the row in the same write (on each fresh read; it may throw
    /// to refuse, e.g. a 400 for the values it decides).
    /// </summary>
    public async Task<string> ClaimOperationAsync(WorkspaceEntity workspace, OperationKind kind, string actor, Action<WorkspaceEntity>? alsoWrite, CancellationToken cancellationToken)
    {
        Func<WorkspaceEntity, bool>? decide = alsoWrite is null ? null : w =>
        {
            alsoWrite(w);
            return true;
        };
        string operationId = (await ClaimAsync(workspace, kind, decide, unchangedSinceRead: false, cancellationToken))!;
        await RecordAsync(workspace, kind, operationId, actor, cancellationToken);
        return operationId;
    }

    /// <summary>An operation the control plane starts itself (a reconcile trigger, automation): the same claim and schedule as a user's.</summary>
    public async Task<OperationAccepted> RequestSystemOperationAsync(string owner, string workspaceId, OperationKind kind, string actor, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var workspace = await store.GetAsync(owner, workspaceId, cancellationToken);
        if (workspace is null || workspace.IsIn(WorkspaceStatus.Deleted)) throw CoderProblemException.NotFound($"Workspace '{workspaceId}'");
        string operationId = await StartAsync(workspace, kind, actor, reason, client, scale: null, unchangedSinceRead: false, cancellationToken);
        return new OperationAccepted(Pending(operationId, kind));
    }

    /// <summary>
    /// The control plane's own operations (the reconciler): claims the workspace as a request would, but only while
    /// <paramref name="decide"/> still holds for the row as stored (it may also change the row in the same write).
    /// <paramref name="scale"/> is a scale's target (null for other kinds).
    /// Returns the operation id, or null when another operation runs or the decision no longer holds.
    /// </summary>
    public async Task<string?> TryStartSystemOperationAsync(WorkspaceEntity workspace, OperationKind kind, string actor, string reason, ScaleTarget? scale, Func<WorkspaceEntity, bool> decide, DurableTaskClient client, CancellationToken cancellationToken)
    {
        string? operationId;
        try
        {
            operationId = await ClaimAsync(workspace, kind, decide, unchangedSinceRead: false, cancellationToken);
        }
        catch (CoderProblemException e) when (e.Status is 404 or 409)
        {
            return null;
        }

        if (operationId is null) return null;
        await StartClaimedAsync(workspace, kind, operationId, actor, reason, client, scale, orchestrator: null, cancellationToken);
        return operationId;
    }

    /// <summary>Schedules an orchestration whose instance id is the operation id; one that already exists is the same work.</summary>
    public static async Task ScheduleIdempotentAsync(DurableTaskClient client, string orchestrator, object input, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch (Exception)
        {
            // Already scheduled by an earlier attempt of this request? Then it is the same work; otherwise it is a real failure.
            if (await client.GetInstanceAsync(instanceId, cancellationToken) is null) throw;
        }
    }

    /// <summary>The 409 of a request that found another operation on the workspace, naming it.</summary>
    public static CoderProblemException StillRunning(string operationId) =>
        CoderProblemException.Conflict($"Operation {operationId} is still running on this workspace.", operationId);

    public static CoderProblemException StaleETag() => CoderProblemException.PreconditionFailed("The workspace changed since you read it (ETag mismatch).");

    /// <summary>
    /// The claim: one write of the workspace row under the ETag of <paramref name="workspace"/> as read. When someone else
    /// wrote the row first (412), it reads again and decides again, unless <paramref name="unchangedSinceRead"/> says the
    /// caller's read is the condition (a client's If-Match): then the lost race is the caller's 412.
    /// </summary>
    async Task<string?> ClaimAsync(WorkspaceEntity workspace, OperationKind kind, Func<WorkspaceEntity, bool>? decide, bool unchangedSinceRead, CancellationToken cancellationToken)
    {
        string? claimed = null;
        var stored = await OptimisticConcurrency.MutateAsync(
            workspace,
            async ct => await store.GetAsync(workspace.PartitionKey, workspace.RowKey, ct) is { Status: not "deleted" } fresh
                ? fresh
                : throw CoderProblemException.NotFound($"Workspace '{workspace.RowKey}'"),
            w =>
            {
                claimed = null;
                if (w.OperationId is { } running) throw StillRunning(running);
                if (decide is not null && !decide(w)) return false;
                int generation = w.OperationGeneration + 1;
                string operationId = Ids.OperationId(w.RowKey, generation, WireNames.Of(kind));
                var now = time.GetUtcNow();
                w.OperationId = operationId;
                w.OperationKind = WireNames.Of(kind);
                w.OperationGeneration = generation;
                w.OperationStartedAt = now;
                w.Status = WireNames.Of(WorkspaceOrchestrations.TransitionalStatus(kind));
                w.DesiredState = kind switch
                {
                    OperationKind.Stop => DesiredStates.Stopped,
                    OperationKind.Delete => DesiredStates.Deleted,
                    OperationKind.Start or OperationKind.Restart => DesiredStates.Running,
                    _ => w.DesiredState,
                };
                w.UpdatedAt = now;
                claimed = operationId;
                return true;
            },
            async (w, ct) =>
            {
                try
                {
                    return await store.UpdateAsync(w, ct);
                }
                catch (RequestFailedException e) when (e.Status == 412 && unchangedSinceRead)
                {
                    throw StaleETag();
                }
            },
            cancellationToken);

        // The quota ledger follows what the row now declares: a stop or a delete gives back, a start takes (checked before,
        // for a user's request). A scale is reserved by its request, and its row changes only when it completes.
        if (claimed is not null && stored is not null && kind is OperationKind.Stop or OperationKind.Delete or OperationKind.Start or OperationKind.Restart)
            await quotas.DeclareAsync(stored, cancellationToken);
        return claimed;
    }

    Task RecordAsync(WorkspaceEntity workspace, OperationKind kind, string operationId, string actor, CancellationToken cancellationToken) =>
        operations.CreateAsync(new OperationEntity
        {
            PartitionKey = operationId,
            Kind = WireNames.Of(kind),
            WorkspaceId = workspace.RowKey,
            Owner = workspace.PartitionKey,
            Status = "pending",
            Actor = actor,
            StartedAt = time.GetUtcNow(),
            LastProgressAt = time.GetUtcNow(),
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {OperationId} started on workspace {WorkspaceId} by {Actor}")]
    static partial void LogOperationStarted(ILogger logger, string operationId, string workspaceId, string actor);
}
