using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Ends an operation: the operation row, the workspace's status (and its release for the next operation), and the
/// timeline. A finished delete tombstones the workspace and frees its name. Idempotent.
/// </summary>
public sealed class CompleteOperationActivity(WorkspaceStore workspaces, OperationStore operations, WorkspaceTimeline timeline, TimeProvider time)
{
    public async Task<bool> RunAsync(CompleteOperationInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var now = time.GetUtcNow();
        await operations.MutateAsync(op.OperationId, o =>
        {
            if (OperationStore.IsFinished(o.Status)) return false;
            o.Status = input.Succeeded ? "succeeded" : "failed";
            o.Error = input.Error;
            o.Progress = input.Message;
            o.EndedAt = now;
            o.LastProgressAt = now;
            return true;
        }, cancellationToken);

        if (op.Kind == OperationKind.Delete && input.Succeeded)
        {
            await TombstoneAsync(op, now, cancellationToken);
        }
        else
        {
            await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
            {
                if (w.OperationId != op.OperationId) return false;
                w.OperationId = null;
                w.OperationKind = null;
                w.Status = WireNames.Of(input.Status);
                w.FailureReason = input.Succeeded ? null : input.Error;
                w.UpdatedAt = now;
                return true;
            }, cancellationToken);
        }

        string step = input.Succeeded ? "succeeded" : "failed";
        await timeline.AppendAsync(op.WorkspaceId, new TimelineEntry(
            input.At, $"{op.OperationId}-{step}", $"{WireNames.Of(op.Kind)}.{step}", input.Message, input.Reason, op.Actor, op.OperationId), cancellationToken);
        return true;
    }

    async Task TombstoneAsync(WorkspaceOperationInput op, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var w = await workspaces.GetAsync(op.Owner, op.WorkspaceId, cancellationToken);
            if (w is null || w.Status == WireNames.Of(WorkspaceStatus.Deleted)) return;
            w.OperationId = null;
            w.OperationKind = null;
            w.Status = WireNames.Of(WorkspaceStatus.Deleted);
            w.DesiredState = DesiredStates.Deleted;
            w.DeletedAt = now;
            w.UpdatedAt = now;
            w.AgentLifecycle = "off";
            w.AgentConnection = "disconnected";
            try
            {
                await workspaces.TombstoneAsync(w, cancellationToken);
                return;
            }
            catch (Azure.Data.Tables.TableTransactionFailedException e) when (e.Status == 412 && attempt < 20)
            {
            }
            catch (Azure.RequestFailedException e) when (e.Status == 412 && attempt < 20)
            {
            }
        }
    }
}
