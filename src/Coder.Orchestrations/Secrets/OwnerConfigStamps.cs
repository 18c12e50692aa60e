using System.Collections.Concurrent;

namespace Coder.Orchestrations.Secrets;

/// <summary>
/// A per-owner counter that moves whenever something of the owner's that goes into their agents' manifests changes
/// (secrets, dotfiles). the agents' manifest version cache keeps a config version only while its owner's stamp is unchanged,
/// so such a change reaches agents at their next manifest poll on this instance, and within the cache's lifetime on others.
/// </summary>
public sealed class OwnerConfigStamps
{
    /// <summary>Past this many owners the map starts over: every cached version then misses once, which is only a rebuild.</summary>
    const int MaxOwners = 100_000;

    readonly ConcurrentDictionary<string, long> _stamps = new(StringComparer.Ordinal);
    long _epoch;

    public long Of(string owner) => _stamps.TryGetValue(owner, out long stamp) ? stamp : Interlocked.Read(ref _epoch);

    public void Changed(string owner)
    {
        if (_stamps.Count >= MaxOwners)
        {
            _stamps.Clear();
            Interlocked.Increment(ref _epoch);
        }

        _stamps.AddOrUpdate(owner, _ => Interlocked.Increment(ref _epoch), (_, _) => Interlocked.Increment(ref _epoch));
    }
}
