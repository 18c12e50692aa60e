namespace Coder.Orchestrations.Reconciliation;

public enum ReconcileActionKind
{
    /// <summary>Start the workspace again (a fresh build, from its latest snapshot when there is one).</summary>
    Reprovision,

    /// <summary>Destroy a resource no live workspace owns (the grace period has passed).</summary>
    DestroyOrphan,

    /// <summary>Stop the workspace's compute (it should be stopped, or it is idle).</summary>
    Stop,

    /// <summary>Restart the workspace (its agent stopped heartbeating).</summary>
    Restart,

    /// <summary>Record the agent connection as <c>disconnected</c>.</summary>
    MarkDisconnected,

    /// <summary>Record the agent connection as <c>timeout</c>: it never connected.</summary>
    MarkConnectTimeout,

    /// <summary>Mark the workspace <c>failed</c> with the reason (the restart budget is spent).</summary>
    MarkFailed,

    /// <summary>Fail a hung operation, compensate, and release the workspace.</summary>
    FailHungOperation,

    /// <summary>Destroy the blue a blue-green switch left stopped, once its grace period is over.</summary>
    DestroyRetiredInstance,

    /// <summary>Start the stopped workspace: its autostart occurrence has come.</summary>
    Autostart,

    /// <summary>Move the workspace's deadline on (open sessions, or activity since it was set), and say why.</summary>
    ExtendDeadline,

    /// <summary>Record the next autostart occurrence (with a timeline entry when one was skipped).</summary>
    RescheduleAutostart,

    /// <summary>Apply the declared size again: a unit's limits were changed from outside (in place where the platform can).</summary>
    RestoreSize,
}
