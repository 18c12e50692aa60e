namespace Coder.Orchestrations.Schedules;

/// <summary>The machine-readable <c>reason</c> of every schedule decision, as the timeline shows it.</summary>
public static class ScheduleReasons
{
    /// <summary>Stopped after its auto-stop time without activity (the template's <c>idle.stopAfterMinutes</c> kept this name).</summary>
    public const string IdleTimeout = "idle_timeout";

    /// <summary>Stopped at the deadline a user set.</summary>
    public const string Deadline = "deadline";

    /// <summary>The deadline came with sessions still open: moved on by the auto-stop time.</summary>
    public const string KeepAlive = "keep_alive";

    /// <summary>The deadline came, but activity since makes the auto-stop time later: moved there.</summary>
    public const string DeadlineExtended = "deadline_extended";

    /// <summary>Started by its autostart schedule.</summary>
    public const string Autostart = "autostart";

    /// <summary>An autostart occurrence passed while the workspace could not start (running, busy, or a long outage): the next one is due.</summary>
    public const string AutostartSkipped = "autostart_skipped";

    /// <summary>A user changed the schedule.</summary>
    public const string ScheduleUpdated = "schedule_updated";
}
