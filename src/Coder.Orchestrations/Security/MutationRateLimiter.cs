using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Security;

/// <summary>
/// A token bucket per caller key for mutating requests: <see cref="SecurityOptions.MutationBurst"/> at once, refilled at
/// <see cref="SecurityOptions.MutationsPerMinute"/>. Per instance and in memory: with N instances a caller gets at most
/// N times the rate, which is the point (keep one token from starving the rest), not an exact quota.
/// </summary>
public sealed class MutationRateLimiter(IOptions<SecurityOptions> options, TimeProvider time)
{
    const int MaxTrackedKeys = 100_000;

    readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes one request from the key's bucket; when empty, says how long until the next one is allowed.</summary>
    public RateLimitDecision TryAcquire(string key)
    {
        double perSecond = Math.Max(options.Value.MutationsPerMinute, 1) / 60.0;
        double capacity = Math.Max(options.Value.MutationBurst, 1);
        long now = time.GetTimestamp();
        if (_buckets.Count > MaxTrackedKeys) _buckets.Clear();
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(capacity, now));
        lock (bucket)
        {
            double elapsed = time.GetElapsedTime(bucket.UpdatedAt, now).TotalSeconds;
            bucket.Tokens = Math.Min(capacity, bucket.Tokens + Math.Max(elapsed, 0) * perSecond);
            bucket.UpdatedAt = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return new RateLimitDecision(true, TimeSpan.Zero);
            }

            return new RateLimitDecision(false, TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond));
        }
    }

    sealed class Bucket(double tokens, long updatedAt)
    {
        public double Tokens { get; set; } = tokens;
        public long UpdatedAt { get; set; } = updatedAt;
    }
}
