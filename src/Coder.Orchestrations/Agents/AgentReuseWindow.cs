namespace Coder.Orchestrations.Agents;

/// <summary>
/// How long an agent's steady traffic (heartbeats, metrics, session counts, the manifest poll that follows them) may reuse
/// the agent's token row and workspace row as this instance last read or wrote them: two of the fleet's heartbeat
/// intervals, and never less than the token cache's time. Without it each heartbeat read both rows again, since the
/// interval is longer than the token cache. What this reuse decides nothing dangerous on: those events write only the
/// agents row, under its ETag, and only when that row still holds the token's build (a replaced build, a deleted
/// workspace or a handover on another instance fails there); the poll answers a version, nothing secret. Everything else
/// (lifecycle, drain answers, logs, scripts, the manifest itself) checks the token within the token cache's time and reads
/// the workspace row fresh. This instance's own writes and revokes show at once.
/// </summary>
public sealed class AgentReuseWindow(AgentTokenService tokens, FleetHeartbeat heartbeat)
{
    public async ValueTask<TimeSpan> GetAsync(CancellationToken cancellationToken)
    {
        // An operator who turned the token cache off (0 s) wants every use checked.
        if (tokens.CacheTime <= TimeSpan.Zero) return TimeSpan.Zero;
        var twoIntervals = TimeSpan.FromSeconds(2 * await heartbeat.HeartbeatSecondsAsync(null, cancellationToken));
        return twoIntervals > tokens.CacheTime ? twoIntervals : tokens.CacheTime;
    }

    /// <summary>The event types whose whole effect is an ETag-guarded write of the agents row that re-checks the build.</summary>
    public static bool IsSteady(string? eventType) =>
        eventType is Contracts.Agents.AgentEventTypes.Heartbeat or Contracts.Agents.AgentEventTypes.Metrics or Contracts.Agents.AgentEventTypes.Session;
}
