namespace Coder.Orchestrations.Reconciliation;

/// <summary>The reconciler's thresholds (section <c>Coder:Reconcile</c>, e.g. <c>Coder__Reconcile__OrphanGraceSeconds</c>).</summary>
public sealed class ReconcileOptions
{
    public const string Section = "Coder:Reconcile";

    /// <summary>The timer's NCRONTAB schedule when <c>CODER_RECONCILE_SCHEDULE</c> is not set: every 30 s.</summary>
    public const string DefaultSchedule = "*/30 * * * * *";

    /// <summary>How long a resource without a live workspace may exist before it is destroyed.</summary>
    public int OrphanGraceSeconds { get; set; } = 600;

    /// <summary>A heartbeat older than this many intervals marks the agent <c>disconnected</c>.</summary>
    public int DisconnectedAfterIntervals { get; set; } = 3;

    /// <summary>Still no heartbeat after this many intervals: the workspace is restarted.</summary>
    public int RestartAfterIntervals { get; set; } = 10;

    /// <summary>At most this many reconciler restarts (or reprovisions) per workspace per hour; then it is <c>failed</c>.</summary>
    public int MaxRestartsPerHour { get; set; } = 3;

    /// <summary>An operation with no progress for this long is hung: it is failed and compensated.</summary>
    public int HungOperationSeconds { get; set; } = 300;

    /// <summary>Connect timeout when the template sets none.</summary>
    public int DefaultConnectTimeoutSeconds { get; set; } = 120;
}
