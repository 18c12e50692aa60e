namespace Coder.Agent.Plugins;

/// <summary>The latest metrics of every plugin, keyed <c>{plugin}.{metric}</c>, for the next metrics event.</summary>
public sealed class PluginResults
{
    readonly Lock _gate = new();
    readonly Dictionary<string, IReadOnlyDictionary<string, double>> _byPlugin = new(StringComparer.Ordinal);

    public void Set(string plugin, IReadOnlyDictionary<string, double> metrics)
    {
        lock (_gate) _byPlugin[plugin] = metrics;
    }

    /// <summary>Drops plugins the manifest no longer names.</summary>
    public void RetainOnly(IReadOnlySet<string> plugins)
    {
        lock (_gate)
        {
            foreach (string name in _byPlugin.Keys.Where(n => !plugins.Contains(n)).ToList()) _byPlugin.Remove(name);
        }
    }

    public Dictionary<string, double> Snapshot()
    {
        lock (_gate)
        {
            var all = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (plugin, metrics) in _byPlugin)
            {
                foreach (var (metric, value) in metrics) all[$"{plugin}.{metric}"] = value;
            }
            return all;
        }
    }
}
