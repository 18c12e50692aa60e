namespace Coder.Orchestrations.Reconciliation;

/// <summary>The machine-readable <c>reason</c> of every reconciler decision, as it appears on the timeline.</summary>
public static class ReconcileReasons
{
    public const string ResourceMissing = "resource_missing";
    public const string ReplicaMissing = "replica_missing";
    public const string SizeDrift = "size_drift";
    public const string OrphanResource = "orphan_resource";
    public const string OrphanSeen = "orphan_seen";
    public const string StoppedButRunning = "stopped_but_running";
    public const string HeartbeatStale = "heartbeat_stale";
    public const string HeartbeatLost = "heartbeat_lost";
    public const string RestartLimitReached = "restart_limit_reached";
    public const string ConnectTimeout = "connect_timeout";
    public const string OperationHung = "operation_hung";
    public const string IdleTimeout = Schedules.ScheduleReasons.IdleTimeout;
    public const string BlueGraceOver = "blue_grace_over";
}
