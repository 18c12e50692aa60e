using Coder.Contracts.Templates;
using Coder.Orchestrations.Snapshots;

namespace Coder.Orchestrations.Tests.Snapshots;

/// <summary>The retention policy as a pure function over snapshot records.</summary>
public sealed class SnapshotRetentionTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    static List<SnapshotRecord> Chain(string workspace, int count, string? firstParent = null)
    {
        var list = new List<SnapshotRecord>();
        for (int i = 1; i <= count; i++) list.Add(new SnapshotRecord($"{workspace}{i}", workspace, i == 1 ? firstParent : $"{workspace}{i - 1}", Now.AddHours(-100 + i), "ready"));
        return list;
    }

    [Fact]
    public void Plan_KeepLastThree_DeletesTheOlderOnesOfTheWorkspace()
    {
        var plan = SnapshotRetention.Plan(Chain("a", 5), new Dictionary<string, SnapshotPolicy> { ["a"] = new(null, 3, null) }, new HashSet<string>(), Now);
        Assert.Equal(["a1", "a2"], plan.Delete);
        Assert.Equal("among the newest 3", plan.Kept["a5"]);
    }

    [Fact]
    public void Plan_SourceOfLiveBranch_KeepsItAndItsAncestors()
    {
        var snapshots = Chain("a", 6).Concat(Chain("b", 1, firstParent: "a2")).ToList();
        var policies = new Dictionary<string, SnapshotPolicy> { ["a"] = new(null, 3, null), ["b"] = new(null, 3, null) };
        var plan = SnapshotRetention.Plan(snapshots, policies, new HashSet<string> { "a2" }, Now);
        Assert.Equal(["a3"], plan.Delete);
        Assert.Equal("source of a live branch", plan.Kept["a2"]);
        Assert.Equal("ancestor of a2", plan.Kept["a1"]);
    }

    [Fact]
    public void Plan_KeptSnapshotOfABranch_KeepsTheBranchPointEvenWhenTheBranchIsGone()
    {
        var snapshots = Chain("a", 5).Concat(Chain("b", 2, firstParent: "a1")).ToList();
        var policies = new Dictionary<string, SnapshotPolicy> { ["a"] = new(null, 1, null), ["b"] = new(null, 3, null) };
        var plan = SnapshotRetention.Plan(snapshots, policies, new HashSet<string>(), Now);
        Assert.Equal(["a2", "a3", "a4"], plan.Delete);
        Assert.Equal("branch point of b1", plan.Kept["a1"]);
    }

    [Fact]
    public void Plan_CapturingAndYoungSnapshots_AreKept()
    {
        var snapshots = new List<SnapshotRecord>
        {
            new("old", "a", null, Now.AddDays(-10), "ready"),
            new("young", "a", "old", Now.AddHours(-2), "ready"),
            new("failed", "a", "young", Now.AddHours(-1), "failed"),
            new("busy", "a", "young", Now, "capturing"),
        };
        var plan = SnapshotRetention.Plan(snapshots, new Dictionary<string, SnapshotPolicy> { ["a"] = new(null, null, 1) }, new HashSet<string>(), Now);
        Assert.Equal(["old", "failed"], plan.Delete);
        Assert.Equal("capturing", plan.Kept["busy"]);
        Assert.Equal("younger than 1 days", plan.Kept["young"]);
    }

    [Fact]
    public void Plan_NoPolicy_KeepsEverything()
    {
        var plan = SnapshotRetention.Plan(Chain("a", 4), new Dictionary<string, SnapshotPolicy>(), new HashSet<string>(), Now);
        Assert.Empty(plan.Delete);
    }
}
