namespace Coder.Orchestrations.Schedules;

/// <summary>What the schedule asks of a workspace now, with the reason, the sentence for the timeline and its source.</summary>
/// <param name="At">For <see cref="ScheduleActionKind.ExtendDeadline"/> the new deadline; for a start or a reschedule the next autostart occurrence.</param>
/// <param name="Message">The timeline's sentence; empty for bookkeeping nobody needs to read (a first autostart occurrence).</param>
public sealed record ScheduleDecision(ScheduleActionKind Kind, string Reason, string Message, string Source, DateTimeOffset? At);
