using System.Collections.Concurrent;

namespace Coder.Orchestrations.Security;

/// <summary>
/// Token buckets per key, in memory, measured with the injected clock. Bounded: past <c>maxKeys</c> the buckets that
/// have refilled (the same as no bucket) are dropped, and if more than half remain, all are (a forgotten bucket only
/// means a fresh burst for its key; and so a trim, which reads every bucket, happens at most once per maxKeys/2 new keys).
/// </summary>
public sealed class TokenBuckets(TimeProvider time, int maxKeys)
{
    readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public int Count => _buckets.Count;

    /// <summary>Takes one token from the key's bucket; when empty, says how long until the next one.</summary>
    public RateLimitDecision TryTake(string key, double capacity, double perSecond)
    {
        long now = time.GetTimestamp();
        if (_buckets.Count >= maxKeys && !_buckets.ContainsKey(key)) Trim(now);
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(capacity, perSecond, now));
        lock (bucket)
        {
            bucket.Refill(time, capacity, perSecond, now);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return new RateLimitDecision(true, TimeSpan.Zero);
            }

            return new RateLimitDecision(false, TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond));
        }
    }

    void Trim(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                bucket.Refill(time, bucket.Capacity, bucket.PerSecond, now);
                if (bucket.Tokens >= bucket.Capacity) _buckets.TryRemove(KeyValuePair.Create(key, bucket));
            }
        }

        if (_buckets.Count > maxKeys / 2) _buckets.Clear();
    }

    sealed class Bucket(double capacity, double perSecond, long updatedAt)
    {
        public double Capacity { get; private set; } = capacity;
        public double PerSecond { get; private set; } = perSecond;
        public double Tokens { get; set; } = capacity;
        long _updatedAt = updatedAt;

        public void Refill(TimeProvider time, double capacity, double perSecond, long now)
        {
            double elapsed = Math.Max(time.GetElapsedTime(_updatedAt, now).TotalSeconds, 0);
            Capacity = capacity;
            PerSecond = perSecond;
            Tokens = Math.Min(capacity, Tokens + elapsed * perSecond);
            _updatedAt = now;
        }
    }
}
