namespace Coder.Bench.Scenarios.Fleet;

/// <summary>What <see cref="FleetLagRecorder"/> saw in one window: lag samples, send durations, failed sends by reason.</summary>
sealed record FleetLagWindow(IReadOnlyList<(string Type, double Ms)> Samples, IReadOnlyList<double> SendMs, IReadOnlyDictionary<string, long> FailuresByReason)
{
    public long Failures => FailuresByReason.Values.Sum();
}
