using Microsoft.Extensions.Options;

namespace Coder.Relay;

/// <summary>The online listeners per path, handed to senders round-robin.</summary>
public sealed class ListenerRegistry(IOptions<RelayOptions> options)
{
    readonly Dictionary<string, (List<ControlChannel> Channels, int Next)> _byPath = new(StringComparer.OrdinalIgnoreCase);
    readonly Lock _lock = new();

    /// <summary>False when the path already has its maximum of listeners.</summary>
    public bool TryAdd(ControlChannel channel)
    {
        lock (_lock)
        {
            if (!_byPath.TryGetValue(channel.Path, out var entry)) entry = ([], 0);
            if (entry.Channels.Count >= options.Value.MaxListenersPerPath) return false;
            entry.Channels.Add(channel);
            _byPath[channel.Path] = entry;
            return true;
        }
    }

    public void Remove(ControlChannel channel)
    {
        lock (_lock)
        {
            if (!_byPath.TryGetValue(channel.Path, out var entry)) return;
            entry.Channels.Remove(channel);
            if (entry.Channels.Count == 0) _byPath.Remove(channel.Path);
        }
    }

    /// <summary>
    /// The listeners a sender to <paramref name="path"/> reaches, in the order to try them, starting with the next in turn.
    /// A sender may extend the registered path with a suffix (<c>hyco/suffix</c> reaches the listeners of <c>hyco</c>), so
    /// the longest registered path that is <paramref name="path"/> or a parent of it wins.
    /// </summary>
    public IReadOnlyList<ControlChannel> InTurn(string path)
    {
        lock (_lock)
        {
            for (string? candidate = path; candidate is not null; candidate = Parent(candidate))
            {
                if (!_byPath.TryGetValue(candidate, out var entry)) continue;
                int start = entry.Next % entry.Channels.Count;
                _byPath[candidate] = (entry.Channels, start + 1);
                return [.. entry.Channels.Skip(start), .. entry.Channels.Take(start)];
            }

            return [];
        }
    }

    static string? Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash > 0 ? path[..slash] : null;
    }
}
