namespace Coder.Orchestrations.Agents.Metrics;

/// <summary>
/// One aggregate of the metrics history: every sample (of every replica) whose time falls in [Start, Start + bucket).
/// Percentages are of the size the workspace had then (<see cref="Cpu"/>, <see cref="MemoryMiB"/>).
/// </summary>
public sealed record MetricBucket(
    DateTimeOffset Start,
    int Samples,
    double CpuPercent,
    double CpuPercentMax,
    double MemoryPercent,
    double MemoryPercentMax,
    int SessionsMax,
    int OomKills,
    double Cpu,
    int MemoryMiB)
{
    /// <summary>This bucket with one more sample folded in.</summary>
    public MetricBucket Add(MetricSample sample) => new(
        Start,
        Samples + 1,
        (CpuPercent * Samples + sample.CpuPercent) / (Samples + 1),
        Math.Max(CpuPercentMax, sample.CpuPercent),
        (MemoryPercent * Samples + sample.MemoryPercent) / (Samples + 1),
        Math.Max(MemoryPercentMax, sample.MemoryPercent),
        Math.Max(SessionsMax, sample.Sessions),
        Math.Max(OomKills, sample.OomKills),
        sample.Cpu,
        sample.MemoryMiB);

    public static MetricBucket First(DateTimeOffset start, MetricSample sample) =>
        new(start, 1, sample.CpuPercent, sample.CpuPercent, sample.MemoryPercent, sample.MemoryPercent, sample.Sessions, sample.OomKills, sample.Cpu, sample.MemoryMiB);
}
