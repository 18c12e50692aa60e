using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Events;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Telemetry;
using Coder.Orchestrations.Timeline;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// Ends an operation: the operation row, the workspace's status (and its release for the next operation), and the
/// timeline. A finished delete tombstones the workspace and frees its name. Then the lifecycle CloudEvent is published
/// (at least once: a retry republishes it with the same id) and the operation's span and metrics are recorded (once).
/// A failure's full text goes to the rows admins read and to the log; the timeline gets the member's sentence
/// (<see cref="FailureMessages"/>). Idempotent. The complete activity runs it at the end of every orchestration, and the
/// reconciler when it fails a hung operation.
/// </summary>
public sealed partial class OperationCompletion(
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    OperationStore operations,
    QuotaLedger quotas,
    WorkspaceTimeline timeline,
    IWorkspaceEventPublisher events,
    CoderMetrics metrics,
    TimeProvider time,
    ILogger<OperationCompletion> logger)
{
    public async Task<bool> CompleteAsync(CompleteOperationInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;

        // A completion that already ended its operation, run again (a host died after it and before its orchestration's
        // checkpoint, and the replay on another host runs at a new time), only publishes its lifecycle event again (same
        // event id; the first publish may be what failed): its timeline entry would carry that new time and so be a second
        // one, and the workspace's slot may already be another operation's.
        if (await operations.GetAsync(op.OperationId, cancellationToken) is { } current && OperationStore.IsFinished(current.Status))
        {
            if (WorkspaceLifecycleEvents.For(input) is { } again) await events.PublishAsync(again, cancellationToken);
            return true;
        }

        var now = time.GetUtcNow();

        // The workspace is released (and the timeline written) before the operation reads as ended, so a client that sees
        // the operation finished can start the next one at once. Rows that do not depend on each other are written side by
        // side; every write is idempotent.
        var release = op.Kind == OperationKind.Delete && input.Succeeded ? TombstoneAsync(op, now, cancellationToken) : ReleaseAsync(input, now, cancellationToken);
        string step = input.Succeeded ? "succeeded" : input.Canceled ? "canceled" : "failed";
        if (!input.Succeeded && !input.Canceled) LogFailed(logger, op.OperationId, op.WorkspaceId, input.Reason, input.Error ?? input.Message);

        // A cancellation's message is written for the member ("canceled by alice"); a failure's may hold raw text.
        string message = input.Succeeded || input.Canceled ? input.Message : FailureMessages.ForMember(input.Reason, op.OperationId);
        var entry = timeline.AppendAsync(op.WorkspaceId, new TimelineEntry(
            input.At, $"{op.OperationId}-{step}", $"{WireNames.Of(op.Kind)}.{step}", message, input.Reason, op.Actor, op.OperationId), cancellationToken);
        await Task.WhenAll(release, entry);

        bool endedNow = false;
        var ended = operations.MutateAsync(op.OperationId, o =>
        {
            if (OperationStore.IsFinished(o.Status)) return false;
            endedNow = true;
            o.Status = step;
            o.Error = input.Error;
            o.FailureCode = input.Succeeded ? null : input.Reason;
            o.Progress = input.Message;
            o.EndedAt = now;
            o.LastProgressAt = now;
            return true;
        }, cancellationToken);
        var published = WorkspaceLifecycleEvents.For(input) is { } lifecycle ? events.PublishAsync(lifecycle, cancellationToken) : Task.CompletedTask;
        await Task.WhenAll(ended, published);

        if (await ended is { } row && endedNow)
        {
            metrics.RecordOperationCompleted(op.Kind, input.Succeeded, now - row.StartedAt);
            CoderTracing.RecordOperation(op.Kind, op.WorkspaceId, op.OperationId, row.StartedAt, now, input.Succeeded, input.Error);
        }

        return true;
    }

    async Task ReleaseAsync(CompleteOperationInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var op = input.Operation;

        // The operation's wait for its agents ends with it, so later lifecycle changes signal nobody.
        var unmarked = agents.MutateAsync(op.WorkspaceId, null, null, a =>
        {
            if (a.SignalOperation != op.OperationId) return false;
            a.SignalBuild = null;
            a.SignalOperation = null;
            return true;
        }, cancellationToken);
        var released = workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            if (w.OperationId != op.OperationId) return false;
            w.OperationId = null;
            w.OperationKind = null;
            w.AgentSignalWanted = null;
            if (w.DrainRequestId == op.OperationId)
            {
                // The operation's drain hint ends with it: the manifest changes back and the agents clear their flag.
                w.DrainRequestId = null;
                w.DrainReason = null;
            }
            w.Status = WireNames.Of(input.Status);
            w.FailureReason = input.Succeeded ? null : input.Error;
            w.FailureCode = input.Succeeded ? null : input.Reason;
            w.FailureOperationId = input.Succeeded ? null : op.OperationId;
            w.UpdatedAt = now;
            return true;
        }, cancellationToken);
        await Task.WhenAll(unmarked, released);

        // A scale's request reserved its target; the row holds what the scale left (the target, or the old size after a
        // compensated failure), so the ledger follows the row and a failed scale gives back what it did not get.
        if (op.Kind == OperationKind.Scale && await released is { } row && row.OperationId is null)
            await quotas.DeclareAsync(row, cancellationToken);
    }

    Task TombstoneAsync(WorkspaceOperationInput op, DateTimeOffset now, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            var w = await workspaces.GetAsync(op.Owner, op.WorkspaceId, ct);
            if (w is null) return false;
            if (w.Status != WireNames.Of(WorkspaceStatus.Deleted))
            {
                w.OperationId = null;
                w.OperationKind = null;
                w.Status = WireNames.Of(WorkspaceStatus.Deleted);
                w.DesiredState = DesiredStates.Deleted;
                w.DeletedAt = now;
                w.UpdatedAt = now;
                await workspaces.TombstoneAsync(w, ct);
            }

            // What the agents reported goes with the workspace (also on a retry after the tombstone).
            await agents.DeleteAsync(op.WorkspaceId, ct);
            return true;
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operation {OperationId} of workspace {WorkspaceId} failed ({Reason}): {Error}")]
    static partial void LogFailed(ILogger logger, string operationId, string workspaceId, string? reason, string error);
}
