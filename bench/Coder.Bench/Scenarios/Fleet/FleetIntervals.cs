namespace Coder.Bench.Scenarios.Fleet;

/// <summary>The heartbeat and metrics intervals the control plane handed the simulated agents, as they last applied them.</summary>
sealed class FleetIntervals
{
    long _heartbeatMs;
    long _metricsMs;

    public void Observe(TimeSpan heartbeat, TimeSpan metrics)
    {
        Interlocked.Exchange(ref _heartbeatMs, (long)heartbeat.TotalMilliseconds);
        Interlocked.Exchange(ref _metricsMs, (long)metrics.TotalMilliseconds);
    }

    public double HeartbeatSeconds => Interlocked.Read(ref _heartbeatMs) / 1000.0;

    public double MetricsSeconds => Interlocked.Read(ref _metricsMs) / 1000.0;
}
