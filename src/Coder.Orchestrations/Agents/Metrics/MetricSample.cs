namespace Coder.Orchestrations.Agents.Metrics;

/// <summary>One agent metrics report, with the size the workspace had when it was ingested.</summary>
/// <param name="OomKills">The cgroup's cumulative OOM-kill counter as the agent read it.</param>
public sealed record MetricSample(DateTimeOffset At, double CpuPercent, double MemoryPercent, int Sessions, int OomKills, double Cpu, int MemoryMiB);
