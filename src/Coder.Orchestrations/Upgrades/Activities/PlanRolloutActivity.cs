using Coder.Contracts.Upgrades;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Coder.Orchestrations.Upgrades.Rollouts;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// Finds the template's outdated workspaces once and records them on the rollout. Idempotent: a second run returns the
/// recorded plan, so workspaces created or upgraded meanwhile do not change a rollout in flight.
/// </summary>
public sealed class PlanRolloutActivity(RolloutStore rollouts, WorkspaceStore workspaces, IOptions<RolloutOptions> options, TimeProvider time)
{
    public async Task<RolloutPlan> RunAsync(RolloutInput input, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var existing = await rollouts.ReadAsync(input.RolloutId, cancellationToken) ?? throw new InvalidOperationException($"Rollout {input.RolloutId} does not exist.");
        if (existing.Header.Planned)
        {
            return new RolloutPlan(existing.Workspaces.OrderBy(w => w.WorkspaceId, StringComparer.Ordinal).Select(w => new RolloutTarget(w.WorkspaceId, w.Owner, w.FromVersion)).ToList(), o.BusyRetrySeconds, o.MaxBusyRounds);
        }

        var targets = new List<RolloutTarget>();
        await foreach (var w in workspaces.ScanAsync(cancellationToken))
        {
            if (w.Template == input.Template && !w.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted) && w.TemplateVersion < input.Version) targets.Add(new RolloutTarget(w.RowKey, w.PartitionKey, w.TemplateVersion));
        }

        targets.Sort((a, b) => string.CompareOrdinal(a.WorkspaceId, b.WorkspaceId));
        var now = time.GetUtcNow();
        foreach (var t in targets)
        {
            await rollouts.MutateWorkspaceAsync(input.RolloutId, t.WorkspaceId, w =>
            {
                w.Owner = t.Owner;
                w.FromVersion = t.FromVersion;
                w.ToVersion = input.Version;
                w.Status = RolloutStates.Pending;
                w.UpdatedAt = now;
                return true;
            }, cancellationToken);
        }

        await rollouts.MutateHeaderAsync(input.RolloutId, h =>
        {
            h.Planned = true;
            h.UpdatedAt = now;
            return true;
        }, cancellationToken);
        return new RolloutPlan(targets, o.BusyRetrySeconds, o.MaxBusyRounds);
    }
}
