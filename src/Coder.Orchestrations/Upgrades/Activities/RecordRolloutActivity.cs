using Coder.Orchestrations.Common;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Coder.Orchestrations.Upgrades.Rollouts;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>Writes the rollout's progress: header, one batch, some workspaces. Setting the same values twice changes nothing.</summary>
public sealed class RecordRolloutActivity(RolloutStore rollouts, TimeProvider time)
{
    public async Task<bool> RunAsync(RolloutProgress input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (input.Batch is { } b)
        {
            await rollouts.MutateBatchAsync(input.RolloutId, b.Index, e =>
            {
                e.Kind = b.Kind;
                e.Workspaces = Json.Serialize(b.Workspaces);
                e.Status = b.Status;
                e.StartedAt = b.StartedAt;
                e.BakeStartedAt = b.BakeStartedAt;
                e.BakeEndedAt = b.BakeEndedAt;
                e.EndedAt = b.EndedAt;
                e.Upgraded = b.Upgraded;
                e.Failed = b.Failed;
                e.Reason = b.Reason;
                return true;
            }, cancellationToken);
        }

        foreach (var w in input.Workspaces ?? [])
        {
            await rollouts.MutateWorkspaceAsync(input.RolloutId, w.WorkspaceId, e =>
            {
                e.Status = w.Status;
                e.Batch = w.Batch ?? e.Batch;
                e.OperationId = w.OperationId ?? e.OperationId;
                e.OrchestrationVersion = w.OrchestrationVersion ?? e.OrchestrationVersion;
                e.Reason = w.Reason ?? e.Reason;
                e.UpgradeFailed |= w.UpgradeFailed;

                // The orchestration time of the attempt makes a replayed record count once.
                if (w.CountAttempt && e.UpdatedAt < input.At) e.Attempts++;
                e.UpdatedAt = input.At;
                return true;
            }, cancellationToken);
        }

        if (input.Status is not null || input.Reason is not null || input.OrchestrationVersion is not null || input.Ended)
        {
            await rollouts.MutateHeaderAsync(input.RolloutId, h =>
            {
                h.Status = input.Status ?? h.Status;
                h.Reason = input.Reason ?? h.Reason;
                h.OrchestrationVersion = input.OrchestrationVersion ?? h.OrchestrationVersion;
                if (input.Ended) h.EndedAt ??= input.At;
                h.UpdatedAt = now;
                return true;
            }, cancellationToken);
        }

        return true;
    }
}
