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

    readonly TokenBuckets _buckets = new(time, MaxTrackedKeys);

    /// <summary>Takes one request from the key's bucket; when empty, says how long until the next one is allowed.</summary>
    public RateLimitDecision TryAcquire(string key) =>
        _buckets.TryTake(key, Math.Max(options.Value.MutationBurst, 1), Math.Max(options.Value.MutationsPerMinute, 1) / 60.0);
}
