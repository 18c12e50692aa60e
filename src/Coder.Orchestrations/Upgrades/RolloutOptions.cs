namespace Coder.Orchestrations.Upgrades;

/// <summary>Rollout and blue-green tuning (<c>Coder:Upgrades</c>).</summary>
public sealed class RolloutOptions
{
    public const string Section = "Coder:Upgrades";

    /// <summary>How long to wait before trying a busy workspace again.</summary>
    public int BusyRetrySeconds { get; set; } = 5;

    /// <summary>How many extra rounds busy workspaces get before they are reported as skipped.</summary>
    public int MaxBusyRounds { get; set; } = 12;

    /// <summary>A workspace whose agent restarted this many times in the bake window fails the health gate.</summary>
    public int CrashRestartThreshold { get; set; } = 2;

    /// <summary>Heartbeats older than this many intervals are stale (at least <see cref="MinHeartbeatStaleSeconds"/>, since ingest goes through a queue).</summary>
    public int HeartbeatStaleIntervals { get; set; } = 3;

    public int MinHeartbeatStaleSeconds { get; set; } = 30;

    /// <summary>How long blue stays stopped after a blue-green switch before it is destroyed.</summary>
    public double BlueGraceSeconds { get; set; } = 300;
}
