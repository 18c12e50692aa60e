using Coder.Contracts.Agents;

namespace Coder.Agent.Runtime;

/// <summary>
/// The manifest the agent runs now. Routines read intervals from it on every turn and wait on <see cref="ChangeToken"/>,
/// so a new config version takes effect at once, without a restart.
/// </summary>
public sealed class ManifestState(AgentManifest initial, int? heartbeatSecondsOverride)
{
    readonly Lock _gate = new();
    AgentManifest _current = initial;
    CancellationTokenSource _changed = new();

    public AgentManifest Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>Cancelled when the manifest changes.</summary>
    public CancellationToken ChangeToken
    {
        get { lock (_gate) return _changed.Token; }
    }

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(Math.Max(1, heartbeatSecondsOverride ?? Current.Intervals.HeartbeatSeconds));

    public TimeSpan MetricsInterval => TimeSpan.FromSeconds(Math.Max(1, Current.Intervals.MetricsSeconds));

    /// <returns>True when <paramref name="next"/> carries a new config version and was applied.</returns>
    public bool TryUpdate(AgentManifest next)
    {
        CancellationTokenSource previous;
        lock (_gate)
        {
            if (next.ConfigVersion == _current.ConfigVersion) return false;
            _current = next;
            previous = _changed;
            _changed = new CancellationTokenSource();
        }
        previous.Cancel();
        previous.Dispose();
        return true;
    }
}
