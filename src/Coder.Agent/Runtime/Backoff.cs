namespace Coder.Agent.Runtime;

/// <summary>Exponential backoff with full jitter between <c>initial</c> and <c>max</c>, as Coder's agent redials.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    readonly TimeSpan _initial = initial;
    TimeSpan _current = initial;

    public TimeSpan Next()
    {
        var ceiling = _current;
        _current = TimeSpan.FromTicks(Math.Min(max.Ticks, _current.Ticks * 2));
        // Jitter in [ceiling/2, ceiling] keeps many agents from retrying in lockstep after an outage.
        return TimeSpan.FromTicks(ceiling.Ticks / 2 + Random.Shared.NextInt64(ceiling.Ticks / 2 + 1));
    }

    public void Reset() => _current = _initial;
}
