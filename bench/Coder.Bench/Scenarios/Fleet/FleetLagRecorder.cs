using System.Collections.Concurrent;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// Ingest lag samples (event created at the agent → applied by the control plane), per event type, for the current window;
/// how long each send's HTTP call took, and why sends failed. A lag far above the send time is an event that waited in
/// its outbox: behind a failed send's backoff, not in the control plane.
/// </summary>
sealed class FleetLagRecorder
{
    ConcurrentQueue<(string Type, double Ms)> _samples = new();
    ConcurrentQueue<double> _sends = new();
    ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);

    public void Record(string type, TimeSpan lag) => _samples.Enqueue((type, lag.TotalMilliseconds));

    public void RecordSend(TimeSpan took) => _sends.Enqueue(took.TotalMilliseconds);

    public void RecordFailure(string reason) => _failures.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Starts a new window: what was recorded so far (warm-up) is dropped.</summary>
    public void Reset()
    {
        _samples = new ConcurrentQueue<(string, double)>();
        _sends = new ConcurrentQueue<double>();
        _failures = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
    }

    public FleetLagWindow Take() => new([.. _samples], [.. _sends], new SortedDictionary<string, long>(_failures, StringComparer.Ordinal));
}
