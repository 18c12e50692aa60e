using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Secrets;

/// <summary>
/// What an owner's rows read as here, kept with the owner's stamp (<see cref="OwnerConfigStamps"/>) at the time: reused
/// within the caller's age while no change of the owner's was made on this instance since. For agents' manifests, which
/// see another instance's change within that age anyway.
/// </summary>
sealed class OwnerStampedCache<T>(OwnerConfigStamps stamps, TimeProvider time)
{
    readonly ExpiringCache<(T Value, long Stamp)> _entries = new(time, TimeSpan.FromMinutes(5), 100_000);

    public async Task<T> GetAsync(string owner, TimeSpan maxAge, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        // Read before the rows: a change that lands during the read leaves a stale stamp behind, never a stale value.
        long stamp = stamps.Of(owner);
        if (_entries.TryGetFresh(owner, maxAge, out var known) && known.Stamp == stamp) return known.Value;
        var value = await read(cancellationToken);
        _entries.Set(owner, (value, stamp));
        return value;
    }
}
