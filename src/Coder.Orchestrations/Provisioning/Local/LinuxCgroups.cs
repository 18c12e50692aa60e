using System.Globalization;

namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>
/// CPU and memory limits for a workspace's compute units with Linux cgroups: v2 where the unified hierarchy has the cpu and
/// memory controllers, otherwise v1's cpu and memory hierarchies. A process joins its group before it execs (see
/// <see cref="JoinCommand"/>), so its whole tree is limited from its first instruction. Where groups cannot be created,
/// <see cref="Enforced"/> is false and <see cref="Reason"/> says why; nothing fails silently.
/// </summary>
public sealed class LinuxCgroups
{
    const long CpuPeriodMicroseconds = 100_000;

    /// <summary>v1 says "no memory limit" with the largest page-aligned value rather than a word; anything this large is none.</summary>
    const long V1Unlimited = 1L << 62;
    readonly string _root;
    readonly string _scope;

    public LinuxCgroups(string scope, string root = "/sys/fs/cgroup")
    {
        _root = root;
        _scope = scope;
        (Version, Reason) = Detect(root);
    }

    /// <summary>2, 1, or 0 when limits cannot be enforced.</summary>
    public int Version { get; }

    public bool Enforced => Version != 0;

    public string? Reason { get; }

    /// <summary>The group folders of one compute unit (two for v1: cpu and memory; one for v2).</summary>
    public IReadOnlyList<string> GroupsOf(string workspaceId, int replica) => Version switch
    {
        2 => [Path.Combine(_root, "coder", _scope, workspaceId, $"r{replica}")],
        1 => [Path.Combine(_root, "cpu", "coder", _scope, workspaceId, $"r{replica}"), Path.Combine(_root, "memory", "coder", _scope, workspaceId, $"r{replica}")],
        _ => [],
    };

    /// <summary>Creates the unit's groups if needed and sets their limits. Safe to repeat; applies live to running processes.</summary>
    public void Apply(string workspaceId, int replica, double cpu, int memoryMiB)
    {
        if (!Enforced) return;
        long quota = (long)Math.Round(cpu * CpuPeriodMicroseconds);
        long memory = memoryMiB * 1024L * 1024L;
        if (Version == 2)
        {
            string group = GroupsOf(workspaceId, replica)[0];
            EnsureV2Path(group);
            File.WriteAllText(Path.Combine(group, "cpu.max"), $"{quota} {CpuPeriodMicroseconds}");
            File.WriteAllText(Path.Combine(group, "memory.max"), memory.ToString(CultureInfo.InvariantCulture));
            return;
        }

        var groups = GroupsOf(workspaceId, replica);
        Directory.CreateDirectory(groups[0]);
        Directory.CreateDirectory(groups[1]);
        File.WriteAllText(Path.Combine(groups[0], "cpu.cfs_period_us"), CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(groups[0], "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(groups[1], "memory.limit_in_bytes"), memory.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The CPU quota a unit has now, in cores (for tests and diagnostics); null when none is set.</summary>
    public double? ReadCpu(string workspaceId, int replica) => Read(workspaceId, replica)?.Cpu;

    /// <summary>
    /// The limits a unit runs with now, as its control files say (changed from outside or not); null when they cannot be
    /// read (no cgroups, or the group is gone).
    /// </summary>
    public ObservedUnitSize? Read(string workspaceId, int replica)
    {
        if (!Enforced) return null;
        var groups = GroupsOf(workspaceId, replica);
        try
        {
            if (Version == 2)
            {
                var parts = File.ReadAllText(Path.Combine(groups[0], "cpu.max")).Split(' ', StringSplitOptions.TrimEntries);
                double? cpu = parts[0] == "max" ? null : double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
                string memory = File.ReadAllText(Path.Combine(groups[0], "memory.max")).Trim();
                return new ObservedUnitSize(replica, cpu, memory == "max" ? null : Mebibytes(memory));
            }

            long q = long.Parse(File.ReadAllText(Path.Combine(groups[0], "cpu.cfs_quota_us")).Trim(), CultureInfo.InvariantCulture);
            long p = long.Parse(File.ReadAllText(Path.Combine(groups[0], "cpu.cfs_period_us")).Trim(), CultureInfo.InvariantCulture);
            long bytes = long.Parse(File.ReadAllText(Path.Combine(groups[1], "memory.limit_in_bytes")).Trim(), CultureInfo.InvariantCulture);
            return new ObservedUnitSize(replica, q < 0 ? null : (double)q / p, bytes >= V1Unlimited ? null : bytes / (1024 * 1024));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    static long Mebibytes(string bytes) => long.Parse(bytes, CultureInfo.InvariantCulture) / (1024 * 1024);

    /// <summary>A shell prefix that moves the shell into the unit's groups, then execs the real command (which inherits them).</summary>
    public string JoinCommand(string workspaceId, int replica) =>
        string.Concat(GroupsOf(workspaceId, replica).Select(g => $"echo $$ > '{Path.Combine(g, "cgroup.procs")}' && "));

    /// <summary>Removes a workspace's groups once its processes are gone. Groups still in use are left for the next call.</summary>
    public void Remove(string workspaceId)
    {
        if (!Enforced) return;
        var roots = Version == 2
            ? new[] { Path.Combine(_root, "coder", _scope, workspaceId) }
            : new[] { Path.Combine(_root, "cpu", "coder", _scope, workspaceId), Path.Combine(_root, "memory", "coder", _scope, workspaceId) };
        foreach (string root in roots.Where(Directory.Exists))
        {
            // cgroup folders are removed with rmdir, children first; their control files go with them.
            foreach (string child in Directory.GetDirectories(root))
            {
                try { Directory.Delete(child); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }

            try { Directory.Delete(root); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static (int Version, string? Reason) Detect(string root)
    {
        if (!OperatingSystem.IsLinux()) return (0, "cgroups exist only on Linux.");
        string controllers = Path.Combine(root, "cgroup.controllers");
        if (File.Exists(controllers))
        {
            var available = File.ReadAllText(controllers).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (available.Contains("cpu") && available.Contains("memory") && CanCreate(Path.Combine(root, "coder"))) return (2, null);
        }

        if (Directory.Exists(Path.Combine(root, "cpu")) && Directory.Exists(Path.Combine(root, "memory"))
            && CanCreate(Path.Combine(root, "cpu", "coder")) && CanCreate(Path.Combine(root, "memory", "coder")))
        {
            return (1, null);
        }

        return (0, "This process may not create cpu and memory cgroups (not root, or no writable hierarchy), so CPU and memory limits are advisory.");
    }

    static bool CanCreate(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>v2 needs the cpu and memory controllers enabled in every parent's subtree_control.</summary>
    void EnsureV2Path(string group)
    {
        string relative = Path.GetRelativePath(_root, group);
        string current = _root;
        foreach (string part in relative.Split(Path.DirectorySeparatorChar))
        {
            try { File.WriteAllText(Path.Combine(current, "cgroup.subtree_control"), "+cpu +memory"); } catch (IOException) { }
            current = Path.Combine(current, part);
            Directory.CreateDirectory(current);
        }
    }
}
