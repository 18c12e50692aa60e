namespace Coder.Contracts.Workspaces;

/// <summary>
/// One bucket of a workspace's metrics history: averages and peaks over every sample of every replica in
/// [<see cref="At"/>, <see cref="At"/> + bucket), and the size the workspace had then (percentages are of that size).
/// </summary>
public sealed record WorkspaceMetricsPoint(
    DateTimeOffset At,
    int Samples,
    double CpuPercent,
    double CpuPercentMax,
    double MemoryPercent,
    double MemoryPercentMax,
    int Sessions,
    int OomKills,
    double Cpu,
    int MemoryMiB);
