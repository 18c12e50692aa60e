using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;

namespace Coder.Orchestrations.Operations;

/// <summary>Records a step: the operation's progress, the workspace's status, and a timeline entry. Idempotent.</summary>
public sealed class RecordOperationStepActivity(WorkspaceStore workspaces, OperationStore operations, WorkspaceTimeline timeline, TimeProvider time)
{
    public async Task<bool> RunAsync(OperationStepInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var now = time.GetUtcNow();

        // Three rows that do not depend on each other (each write is idempotent), written side by side: the step's time is
        // one round trip, not three.
        var progress = operations.MutateAsync(op.OperationId, o =>
        {
            if (OperationStore.IsFinished(o.Status)) return false;
            o.Status = "running";
            o.Progress = input.Message;
            o.LastProgressAt = now;
            return true;
        }, cancellationToken);

        var status = input.Status is { } wanted
            ? workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
            {
                if (w.OperationId != op.OperationId) return false;
                w.Status = WireNames.Of(wanted);
                w.UpdatedAt = now;
                return true;
            }, cancellationToken)
            : Task.FromResult<State.WorkspaceEntity?>(null);

        var entry = timeline.AppendAsync(op.WorkspaceId, new TimelineEntry(
            input.At, $"{op.OperationId}-{input.Step}", $"{WireNames.Of(op.Kind)}.{input.Step}", input.Message, input.Reason ?? op.Reason, op.Actor, op.OperationId), cancellationToken);

        await Task.WhenAll(progress, status, entry);
        return true;
    }
}
