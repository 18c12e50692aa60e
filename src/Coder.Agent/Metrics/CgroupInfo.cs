using System.Globalization;

namespace Coder.Agent.Metrics;

/// <summary>
/// The agent's own cgroup limits and OOM counter, v2 where mounted, else v1. Missing or unlimited values are null, and the
/// caller falls back to machine totals.
/// </summary>
public sealed class CgroupInfo
{
    const string Root = "/sys/fs/cgroup";
    readonly string? _memoryDir;
    readonly string? _cpuDir;
    readonly bool _v2;

    CgroupInfo(string? memoryDir, string? cpuDir, bool v2)
    {
        _memoryDir = memoryDir;
        _cpuDir = cpuDir;
        _v2 = v2;
    }

    public static CgroupInfo Detect()
    {
        try
        {
            string? v2Path = null, memoryPath = null, cpuPath = null;
            foreach (string line in File.ReadLines("/proc/self/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                if (parts[0] == "0" && parts[1].Length == 0) v2Path = parts[2];
                foreach (string controller in parts[1].Split(','))
                {
                    if (controller == "memory") memoryPath = parts[2];
                    if (controller == "cpu") cpuPath = parts[2];
                }
            }
            if (memoryPath is null && v2Path is not null && File.Exists(Path.Combine(Root, "cgroup.controllers")))
            {
                string dir = FirstExisting(Path.Combine(Root, v2Path.TrimStart('/')), Root, "memory.max");
                return new CgroupInfo(dir, dir, v2: true);
            }
            return new CgroupInfo(
                memoryPath is null ? null : FirstExisting(Path.Combine(Root, "memory", memoryPath.TrimStart('/')), Path.Combine(Root, "memory"), "memory.limit_in_bytes"),
                cpuPath is null ? null : FirstExisting(Path.Combine(Root, "cpu", cpuPath.TrimStart('/')), Path.Combine(Root, "cpu"), "cpu.cfs_quota_us"),
                v2: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new CgroupInfo(null, null, v2: false);
        }
    }

    /// <summary>The memory limit in bytes, or null when unlimited or unknown.</summary>
    public long? MemoryLimitBytes()
    {
        string? text = Read(_memoryDir, _v2 ? "memory.max" : "memory.limit_in_bytes");
        if (text is null || text == "max" || !long.TryParse(text, CultureInfo.InvariantCulture, out long limit)) return null;
        // v1 reports "unlimited" as a huge page-aligned number.
        return limit >= long.MaxValue / 2 ? null : limit;
    }

    /// <summary>CPUs the cgroup may use (quota ÷ period), or null when unlimited.</summary>
    public double? CpuLimit()
    {
        if (_v2)
        {
            var parts = Read(_cpuDir, "cpu.max")?.Split(' ');
            return parts is [var quota, var period] && quota != "max" ? Ratio(quota, period) : null;
        }
        string? q = Read(_cpuDir, "cpu.cfs_quota_us"), p = Read(_cpuDir, "cpu.cfs_period_us");
        return q is null || p is null || q.StartsWith('-') ? null : Ratio(q, p);
    }

    /// <summary>How many times the OOM killer struck in this cgroup (v2 <c>memory.events</c>, v1 <c>memory.oom_control</c>).</summary>
    public int OomKills()
    {
        string? text = Read(_memoryDir, _v2 ? "memory.events" : "memory.oom_control");
        if (text is null) return 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("oom_kill ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(9), CultureInfo.InvariantCulture, out int count))
            {
                return count;
            }
        }
        return 0;
    }

    static double? Ratio(string quota, string period) =>
        double.TryParse(quota, CultureInfo.InvariantCulture, out double q) && double.TryParse(period, CultureInfo.InvariantCulture, out double p) && p > 0
            ? q / p : null;

    static string FirstExisting(string preferred, string fallback, string probe) =>
        File.Exists(Path.Combine(preferred, probe)) ? preferred : fallback;

    static string? Read(string? dir, string file)
    {
        if (dir is null) return null;
        try
        {
            return File.ReadAllText(Path.Combine(dir, file)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
