using System.Collections.Concurrent;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>Ingest lag samples (event created at the agent → applied by the control plane), per event type, for the current window.</summary>
sealed class FleetLagRecorder
{
    ConcurrentQueue<(string Type, double Ms)> _samples = new();
    long _failures;

    public void Record(string type, TimeSpan lag) => _samples.Enqueue((type, lag.TotalMilliseconds));

    public void RecordFailure() => Interlocked.Increment(ref _failures);

    /// <summary>Starts a new window: what was recorded so far (warm-up) is dropped.</summary>
    public void Reset()
    {
        _samples = new ConcurrentQueue<(string, double)>();
        Interlocked.Exchange(ref _failures, 0);
    }

    public (IReadOnlyList<(string Type, double Ms)> Samples, long Failures) Take() => ([.. _samples], Interlocked.Read(ref _failures));
}
