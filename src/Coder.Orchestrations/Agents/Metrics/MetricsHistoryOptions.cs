namespace Coder.Orchestrations.Agents.Metrics;

/// <summary>The rolling metrics window per workspace: <see cref="Buckets"/> aggregates of <see cref="BucketSeconds"/> each.</summary>
public sealed class MetricsHistoryOptions
{
    public const string Section = "Coder:Scaling";

    /// <summary>The most buckets one row holds: 40 bytes each must fit Table Storage's 64 KiB binary property.</summary>
    public const int MaxBuckets = 1600;

    /// <summary>One aggregate per minute by default (tests use seconds: CODER_METRICS_BUCKET_SECONDS).</summary>
    public int BucketSeconds { get; set; } = 60;

    /// <summary>How many buckets are kept: 1440 minutes = 24 h by default.</summary>
    public int Buckets { get; set; } = 1440;

    public TimeSpan BucketLength => TimeSpan.FromSeconds(Math.Max(1, BucketSeconds));

    public TimeSpan Retention => BucketLength * Math.Clamp(Buckets, 1, MaxBuckets);
}
