using System.Collections.Concurrent;

namespace Coder.Orchestrations.Common;

/// <summary>
/// A small in-process cache whose entries live for a fixed time, measured with the injected clock. Used only for rows
/// whose staleness is bounded by design (a short TTL, plus removal by the writer on this instance); past
/// <c>maxEntries</c> it starts over rather than tracking recency, since a miss costs one table read.
/// </summary>
public sealed class ExpiringCache<TValue>(TimeProvider time, TimeSpan timeToLive, int maxEntries = 10_000)
{
    readonly ConcurrentDictionary<string, (TValue Value, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public bool Enabled => timeToLive > TimeSpan.Zero;

    public bool TryGet(string key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Until > time.GetUtcNow())
            {
                value = entry.Value;
                return true;
            }

            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// An entry set at most <paramref name="maxAge"/> ago (its age is its lifetime so far): one cache serves readers that
    /// tolerate different staleness, e.g. a writer's starting point and a display read.
    /// </summary>
    public bool TryGetFresh(string key, TimeSpan maxAge, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Until - timeToLive + maxAge > time.GetUtcNow() && entry.Until > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(string key, TValue value)
    {
        if (!Enabled) return;
        if (_entries.Count >= maxEntries) _entries.Clear();
        _entries[key] = (value, time.GetUtcNow() + timeToLive);
    }

    public void Remove(string key) => _entries.TryRemove(key, out _);

    public void Clear() => _entries.Clear();
}
