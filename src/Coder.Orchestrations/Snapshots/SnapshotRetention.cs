using Coder.Contracts.Templates;

namespace Coder.Orchestrations.Snapshots;

/// <summary>
/// The retention policy, as a pure function. Per workspace, a ready snapshot is kept when it is among the newest
/// <c>keepLast</c> or younger than <c>keepDays</c> (a workspace without either keeps everything; capturing snapshots always
/// stay). Across workspaces, the tree is protected: the source of a live branch and all its ancestors stay, and so does
/// every ancestor of a kept snapshot whose parent was taken of another workspace (a branch point). Within one workspace's
/// own line an expired snapshot may go; the runner splices it out, giving its children its parent, so no kept snapshot
/// is left pointing at a deleted one.
/// </summary>
public static class SnapshotRetention
{
    public static RetentionPlan Plan(IReadOnlyList<SnapshotRecord> snapshots, IReadOnlyDictionary<string, SnapshotPolicy> policies, IReadOnlySet<string> liveBranchSources, DateTimeOffset now)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in snapshots.GroupBy(s => s.WorkspaceId))
        {
            var policy = policies.GetValueOrDefault(group.Key);
            int rank = 0;
            foreach (var s in group.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal))
            {
                if (s.IsIn(Contracts.Snapshots.SnapshotStatus.Capturing)) kept[s.Id] = "capturing";
                else if (policy is null || (policy.KeepLast is null && policy.KeepDays is null)) kept[s.Id] = "no retention policy";
                else if (s.IsIn(Contracts.Snapshots.SnapshotStatus.Ready) && policy.KeepLast is { } last && rank < last) kept[s.Id] = $"among the newest {last}";
                else if (s.IsIn(Contracts.Snapshots.SnapshotStatus.Ready) && policy.KeepDays is { } days && now - s.CreatedAt < TimeSpan.FromDays(days)) kept[s.Id] = $"younger than {days} days";
                if (s.IsIn(Contracts.Snapshots.SnapshotStatus.Ready)) rank++;
            }
        }

        var byId = snapshots.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var roots = new List<(string Id, string Reason)>();
        foreach (string source in liveBranchSources)
        {
            if (byId.ContainsKey(source)) roots.Add((source, "source of a live branch"));
        }

        foreach (string id in kept.Keys.ToList())
        {
            if (byId[id].ParentId is { } parent && byId.TryGetValue(parent, out var p) && p.WorkspaceId != byId[id].WorkspaceId) roots.Add((parent, $"branch point of {id}"));
        }

        var rooted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (root, reason) in roots)
        {
            if (!rooted.Add(root)) continue;
            kept[root] = reason;
            for (string? parent = byId[root].ParentId; parent is not null && byId.TryGetValue(parent, out var p); parent = p.ParentId)
            {
                kept.TryAdd(parent, $"ancestor of {root}");
            }
        }

        var delete = snapshots.Where(s => !kept.ContainsKey(s.Id)).OrderBy(s => s.CreatedAt).Select(s => s.Id).ToList();
        return new RetentionPlan(delete, kept);
    }
}
