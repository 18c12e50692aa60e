using Coder.Orchestrations.Agents.Metrics;
namespace Coder.Orchestrations.Scaling;

/// <summary>Everything the policy decides from: settings, the current size, the recent history, and when it last changed.</summary>
/// <param name="Buckets">The metrics history, oldest first.</param>
/// <param name="LastScaledAt">When the size last changed (by anyone); samples before it were taken at another size.</param>
/// <param name="ActiveSessions">Sessions open now; while there are any, scale-down keeps what the last hour's peak needs.</param>
public sealed record AutoscaleInput(
    AutoscaleSettings Settings,
    double Cpu,
    int MemoryMiB,
    DateTimeOffset Now,
    DateTimeOffset? LastScaledAt,
    int ActiveSessions,
    TimeSpan BucketLength,
    IReadOnlyList<MetricBucket> Buckets)
{
    /// <summary>Replicas running now (the size above is each replica's).</summary>
    public int Replicas { get; init; } = 1;
}
