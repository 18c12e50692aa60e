using System.Globalization;

namespace Coder.EndToEnd.Tests.Scaling;

/// <summary>Reads a process's CPU and memory limits the way an operator would: its cgroup from /proc, then the control files.</summary>
public static class CgroupLimits
{
    const string Root = "/sys/fs/cgroup";

    /// <summary>The CPU quota in cores, or null when unlimited.</summary>
    public static double? CpuOf(int pid)
    {
        var (v2, cpu, _) = GroupsOf(pid);
        if (v2)
        {
            var parts = File.ReadAllText(Path.Combine(Root, cpu.TrimStart('/'), "cpu.max")).Trim().Split(' ');
            return parts[0] == "max" ? null : double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        string dir = Path.Combine(Root, "cpu", cpu.TrimStart('/'));
        long quota = long.Parse(File.ReadAllText(Path.Combine(dir, "cpu.cfs_quota_us")).Trim(), CultureInfo.InvariantCulture);
        long period = long.Parse(File.ReadAllText(Path.Combine(dir, "cpu.cfs_period_us")).Trim(), CultureInfo.InvariantCulture);
        return quota < 0 ? null : (double)quota / period;
    }

    /// <summary>The memory limit in MiB.</summary>
    public static long MemoryMiBOf(int pid)
    {
        var (v2, _, memory) = GroupsOf(pid);
        string text = v2
            ? File.ReadAllText(Path.Combine(Root, memory.TrimStart('/'), "memory.max")).Trim()
            : File.ReadAllText(Path.Combine(Root, "memory", memory.TrimStart('/'), "memory.limit_in_bytes")).Trim();
        return text == "max" ? long.MaxValue : long.Parse(text, CultureInfo.InvariantCulture) / (1024 * 1024);
    }

    /// <summary>Changes a process's memory limit from outside the platform, as an operator (or a stray script) would.</summary>
    public static void SetMemoryMiB(int pid, long mebibytes)
    {
        var (v2, _, memory) = GroupsOf(pid);
        string bytes = (mebibytes * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        if (v2) File.WriteAllText(Path.Combine(Root, memory.TrimStart('/'), "memory.max"), bytes);
        else File.WriteAllText(Path.Combine(Root, "memory", memory.TrimStart('/'), "memory.limit_in_bytes"), bytes);
    }

    static (bool V2, string Cpu, string Memory) GroupsOf(int pid)
    {
        string? cpu = null, memory = null, unified = null;
        foreach (string line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts[0] == "0" && parts[1].Length == 0) unified = parts[2];
            foreach (string controller in parts[1].Split(','))
            {
                if (controller == "cpu") cpu = parts[2];
                if (controller == "memory") memory = parts[2];
            }
        }

        return cpu is not null && memory is not null ? (false, cpu, memory) : (true, unified!, unified!);
    }
}
