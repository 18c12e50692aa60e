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

    /// <summary>The listeners of <paramref name="path"/> in the order to try them, starting with the next in turn.</summary>
    public IReadOnlyList<ControlChannel> InTurn(string path)
    {
        lock (_lock)
        {
            if (!_byPath.TryGetValue(path, out var entry)) return [];
            int start = entry.Next % entry.Channels.Count;
            _byPath[path] = (entry.Channels, start + 1);
            return [.. entry.Channels.Skip(start), .. entry.Channels.Take(start)];
        }
    }
}
