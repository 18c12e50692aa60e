namespace Coder.EndToEnd.Tests.Schedules;

/// <summary>
/// The control plane's clock for schedule tests: real time plus an offset the test moves forward, so an hour of
/// schedule passes in a moment while timers, heartbeats and the agents keep running in real time.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Moves the clock so that it reads <paramref name="at"/> now.</summary>
    public void AdvanceTo(DateTimeOffset at) => Advance(at - GetUtcNow());

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
