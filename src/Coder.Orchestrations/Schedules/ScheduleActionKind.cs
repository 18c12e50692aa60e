namespace Coder.Orchestrations.Schedules;

public enum ScheduleActionKind
{
    /// <summary>Start the stopped workspace (its autostart occurrence has come).</summary>
    Start,

    /// <summary>Stop the running workspace (its deadline has come with no session open and no activity since).</summary>
    Stop,

    /// <summary>Move the deadline on (sessions are open, or there was activity since it was set).</summary>
    ExtendDeadline,

    /// <summary>Set the next autostart occurrence (none yet, or one passed that could not start the workspace).</summary>
    RescheduleAutostart,
}
