using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local;

namespace Coder.Orchestrations.Tests.Scaling;

/// <summary>The local provisioner's limits, on this machine's real cgroup hierarchy (root, writable v1 cpu and memory here).</summary>
public sealed class LinuxCgroupsTests
{
    [Fact]
    public void Apply_ChangesTheQuotaOfALiveGroup()
    {
        var cgroups = new LinuxCgroups("test-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.True(cgroups.Enforced, $"this machine should allow cgroups: {cgroups.Reason}");
        string workspace = "ws-cgtest";
        try
        {
            cgroups.Apply(workspace, 0, 1, 512);
            Assert.Equal(1, cgroups.ReadCpu(workspace, 0));

            cgroups.Apply(workspace, 0, 1.7, 1024);
            Assert.Equal(1.7, cgroups.ReadCpu(workspace, 0));
            Assert.All(cgroups.GroupsOf(workspace, 0), g => Assert.True(Directory.Exists(g), g));

            // Read reports what the control files say, also when they were changed from outside (the reconciler's size drift).
            Assert.Equal(new ObservedUnitSize(0, 1.7, 1024), cgroups.Read(workspace, 0));
            string memory = cgroups.Version == 2 ? Path.Combine(cgroups.GroupsOf(workspace, 0)[0], "memory.max") : Path.Combine(cgroups.GroupsOf(workspace, 0)[1], "memory.limit_in_bytes");
            File.WriteAllText(memory, cgroups.Version == 2 ? "max" : "-1");
            Assert.Equal(new ObservedUnitSize(0, 1.7, null), cgroups.Read(workspace, 0));
            Assert.Null(cgroups.Read(workspace, 1));
        }
        finally
        {
            cgroups.Remove(workspace);
        }

        Assert.All(cgroups.GroupsOf(workspace, 0), g => Assert.False(Directory.Exists(g), g));
        foreach (string group in cgroups.GroupsOf(workspace, 0))
        {
            // The scope folder above the workspace is this test's own; cgroup folders go with rmdir.
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(group))!);
        }
    }

    [Fact]
    public void Detect_WithoutAWritableHierarchy_IsAdvisoryAndSaysWhy()
    {
        // /proc cannot hold cgroup folders: the limits must be reported as advisory, with a reason, not silently dropped.
        var cgroups = new LinuxCgroups("test", root: "/proc/self");

        Assert.False(cgroups.Enforced);
        Assert.Equal(0, cgroups.Version);
        Assert.Contains("advisory", cgroups.Reason);
        Assert.Empty(cgroups.GroupsOf("ws-x", 0));
        cgroups.Apply("ws-x", 0, 1, 512);
        Assert.Null(cgroups.ReadCpu("ws-x", 0));
    }
}
