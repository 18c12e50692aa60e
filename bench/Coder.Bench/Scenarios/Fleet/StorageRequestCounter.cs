using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// Counts the storage requests this process makes (the host's stores and its durable engine), by method and table or
/// queue, from the Azure SDK's own request events: where Azurite's work comes from, per step.
/// </summary>
sealed class StorageRequestCounter : EventListener
{
    readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    volatile bool _counting;

    public void Start()
    {
        _counts.Clear();
        _counting = true;
    }

    /// <summary>Stops counting; the most frequent kinds of request, per second over <paramref name="seconds"/>.</summary>
    public IReadOnlyDictionary<string, double> Stop(double seconds, int top = 12)
    {
        _counting = false;
        return _counts.OrderByDescending(p => p.Value).Take(top).ToDictionary(p => p.Key, p => Math.Round(p.Value / seconds, 1));
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Azure-Core") EnableEvents(eventSource, EventLevel.Informational);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_counting || eventData.EventName != "Request" || eventData.Payload is not { Count: >= 3 } payload) return;
        string method = payload[1]?.ToString() ?? "?";
        _counts.AddOrUpdate($"{method} {Target(payload[2]?.ToString())}", 1, (_, n) => n + 1);
    }

    /// <summary>The table or queue a request URI names, with the account and keys left out: <c>/acct/Table(PK,RK)</c> → <c>Table()</c>.</summary>
    static string Target(string? uri)
    {
        if (uri is null || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed)) return "?";
        var segments = parsed.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string name = segments.Length > 1 ? segments[1] : segments.FirstOrDefault() ?? "?";
        int paren = name.IndexOf('(');
        string kind = segments.Length > 2 ? "/" + segments[2] : paren >= 0 ? (name.Length - paren > 2 ? "(key)" : "()") : parsed.Query.Length > 0 ? "?query" : "";
        return (paren >= 0 ? name[..paren] : name) + kind;
    }
}
