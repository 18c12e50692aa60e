using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// Decides the pools from the declared targets and the unclaimed members, with no I/O. A member counts toward its pool
/// while it is on its way (pending, provisioning) or ready (running); a failed one is retired and replaced. Members of
/// a version that is no longer active, of another preset or of a template without a pool are retired: that is how a
/// new template version replaces the pool. Members with an operation running are left to it.
/// </summary>
public static class PrebuildPlanner
{
    public const string ReplacedReason = "prebuild_replaced";
    public const string FailedReason = "prebuild_failed";
    public const string SurplusReason = "prebuild_surplus";

    public static PoolPlan Plan(IReadOnlyList<PoolTarget> targets, IReadOnlyList<PoolMember> members)
    {
        var provisions = new List<PoolProvision>();
        var retirements = new List<PoolRetirement>();
        var live = members.Where(m => !WireNames.IsAny(m.Status, [WorkspaceStatus.Deleted, WorkspaceStatus.Deleting])).ToList();
        var byTemplate = targets.ToDictionary(t => t.Template, StringComparer.Ordinal);

        foreach (var target in targets)
        {
            var mine = live.Where(m => m.Template == target.Template && m.Version == target.Version && m.PresetKey == target.PresetKey).ToList();
            var failed = mine.Where(m => WireNames.IsAny(m.Status, [WorkspaceStatus.Failed, WorkspaceStatus.Stopped, WorkspaceStatus.Stopping])).ToList();
            var counted = mine.Except(failed).ToList();
            int ready = counted.Count(m => WireNames.IsAny(m.Status, [WorkspaceStatus.Running]) && !m.Busy);
            string pool = $"pool for template {target.Template} v{target.Version}: {ready} of {target.Instances} ready";
            foreach (var m in failed.Where(m => !m.Busy))
                retirements.Add(new PoolRetirement(m.Id, FailedReason, $"{pool}; retiring member {m.Id}, which is {m.Status}, to replace it"));
            if (counted.Count < target.Instances)
            {
                int missing = target.Instances - counted.Count;
                provisions.Add(new PoolProvision(target, missing, $"{pool}, {counted.Count - ready} on the way; provisioning {missing}"));
            }
            else if (counted.Count > target.Instances)
            {
                // Surplus (the count was lowered): members not ready yet go first, then the newest.
                foreach (var m in counted.Where(m => !m.Busy).OrderBy(m => m.Status == "running").ThenByDescending(m => m.CreatedAt).Take(counted.Count - target.Instances))
                    retirements.Add(new PoolRetirement(m.Id, SurplusReason, $"{pool}, {counted.Count} members; retiring {m.Id}"));
            }
        }

        foreach (var m in live.Where(m => !m.Busy))
        {
            if (byTemplate.TryGetValue(m.Template, out var target) && m.Version == target.Version && m.PresetKey == target.PresetKey) continue;
            string why = target is null ? $"template {m.Template} keeps no pool now"
                : m.Version != target.Version ? $"v{m.Version} is replaced by v{target.Version}"
                : "its preset changed";
            int left = live.Count(o => o.Template == m.Template && o.Version == m.Version && o.PresetKey == m.PresetKey);
            retirements.Add(new PoolRetirement(m.Id, ReplacedReason, $"pool for template {m.Template}: {why}; retiring member {m.Id} (unclaimed, {left} of v{m.Version} left)"));
        }

        return new PoolPlan(provisions, retirements);
    }
}
