using Coder.Agent.Configuration;
using Coder.Agent.Outbox;
using Coder.Agent.Plugins;
using Coder.Agent.Sessions;
using Coder.Contracts.Agents;

namespace Coder.Agent.Metrics;

/// <summary>Builds one <see cref="MetricsPayload"/>: process tree, cgroup or machine memory, disk, sessions, plugins, outbox drops.</summary>
public sealed class MetricsCollector(AgentSettings settings, ProcessTreeSampler sampler, CgroupInfo cgroup, SessionTracker sessions,
    PluginResults plugins, EventOutbox outbox, DateTimeOffset startedAt, TimeProvider time)
{
    public const string OutboxDroppedMetric = "agent.outbox.dropped";

    public MetricsPayload Collect()
    {
        var sample = sampler.Take();
        double cpus = cgroup.CpuLimit() ?? Environment.ProcessorCount;
        long memoryTotal = cgroup.MemoryLimitBytes() ?? MachineMemoryBytes();
        var custom = new Dictionary<string, double>(plugins.Snapshot());
        long dropped = outbox.TakeDroppedCount();
        if (dropped > 0) custom[OutboxDroppedMetric] = dropped;
        var (active, lastActivity) = sessions.Snapshot();
        return new MetricsPayload
        {
            CpuPercent = Math.Round(sample.CpuCores / Math.Max(cpus, 0.01) * 100, 2),
            MemoryBytes = sample.MemoryBytes,
            MemoryPercent = memoryTotal > 0 ? Math.Round(sample.MemoryBytes * 100.0 / memoryTotal, 2) : 0,
            DiskUsedBytes = DiskUsage.Measure(settings.WorkspaceDirectory),
            Processes = sample.Processes,
            Sessions = active,
            UptimeSeconds = (long)(time.GetUtcNow() - startedAt).TotalSeconds,
            LastActivityAt = lastActivity,
            OomKills = cgroup.OomKills(),
            Custom = custom.Count > 0 ? custom : null,
            Replica = settings.Replica.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    static long MachineMemoryBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
                var digits = line.AsSpan(9).Trim().TrimEnd("kB").Trim();
                return long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            // Not Linux or no procfs: memory percent stays 0.
        }
        return 0;
    }
}
