namespace Coder.Contracts.Agents;

public sealed record MetricsPayload
{
    public double CpuPercent { get; init; }
    public long MemoryBytes { get; init; }
    public double MemoryPercent { get; init; }
    public long DiskUsedBytes { get; init; }
    public int Processes { get; init; }
    public int Sessions { get; init; }
    public long UptimeSeconds { get; init; }
    public DateTimeOffset? LastActivityAt { get; init; }
    public int OomKills { get; init; }
    public IReadOnlyDictionary<string, double>? Custom { get; init; }
    public string? Replica { get; init; }
}
