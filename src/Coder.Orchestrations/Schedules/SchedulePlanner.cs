using System.Globalization;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Schedules;

/// <summary>
/// A workspace's schedule as decisions: when it starts and stops, and why. A pure function of the row, the schedule in
/// force, what its agents report and "now" (from an injected clock), so the reconciler and <c>GET</c> never disagree.
/// </summary>
public static class SchedulePlanner
{
    /// <summary>An autostart occurrence older than this was missed (the control plane was down): skipped, not caught up.</summary>
    public static readonly TimeSpan AutostartGrace = TimeSpan.FromMinutes(15);

    /// <summary>How far open sessions move a deadline on when the workspace has no auto-stop of its own.</summary>
    public const int DefaultKeepAliveMinutes = 60;

    /// <summary>The deadline of a running workspace, what set it, and whether a user did; null: it runs until stopped.</summary>
    public static (DateTimeOffset At, string Source)? DeadlineOf(WorkspaceEntity w, EffectiveSchedule schedule, AgentObservation agent)
    {
        var buildStart = w.BuildStartedAt ?? w.UpdatedAt;

        // A deadline set before this build started belonged to an earlier run.
        if (w.DeadlineAt is { } stored && stored >= buildStart) return (stored, w.DeadlineSource ?? ScheduleSources.Autostop);
        if (schedule.AutostopAfterMinutes is not { } minutes) return null;
        return (LastActive(w, agent).AddMinutes(minutes), ScheduleSources.Autostop);
    }

    /// <summary>What the schedule asks now, or null. The caller leaves a workspace with an operation running alone.</summary>
    public static ScheduleDecision? Decide(WorkspaceEntity w, EffectiveSchedule schedule, AgentObservation agent, DateTimeOffset now)
    {
        if (w.OperationId is not null) return null;
        if (w.DesiredState == DesiredStates.Running && w.IsIn(WorkspaceStatus.Running) && DecideStop(w, schedule, agent, now) is { } stop) return stop;
        return DecideAutostart(w, schedule, now);
    }

    /// <summary>The next scheduled transition as <c>GET</c> shows it, or null when nothing is scheduled.</summary>
    public static WorkspaceNextTransition? Next(WorkspaceEntity w, EffectiveSchedule schedule, AgentObservation agent, DateTimeOffset now)
    {
        if (w.DesiredState == DesiredStates.Running && w.IsIn(WorkspaceStatus.Running))
        {
            if (DeadlineOf(w, schedule, agent) is not { } deadline) return null;
            int open = OpenSessions(agent);
            string unless = open > 0 ? $"; {open} session(s) open now keep it running past then" : "";
            string why = deadline.Source switch
            {
                ScheduleSources.Autostop => $"auto-stop after {schedule.AutostopAfterMinutes} min without activity (set by the {schedule.AutostopFrom}); last activity {Clock(LastActive(w, agent), schedule)}",
                var s when s.StartsWith("user:", StringComparison.Ordinal) => $"the deadline set by {s["user:".Length..]}",
                var s => $"the deadline extended by {ScheduleSources.DescribeSession(s) ?? s}",
            };
            return new WorkspaceNextTransition("stop", deadline.At, why + unless, deadline.Source);
        }

        if (w.DesiredState == DesiredStates.Stopped && w.IsIn(WorkspaceStatus.Stopped) && schedule.Autostart is not null)
        {
            var at = w.NextAutostartAt is { } due && due > now - AutostartGrace ? due : schedule.NextAutostart(now);
            if (at is { } start) return new WorkspaceNextTransition("start", start, $"autostart {schedule.DescribeAutostart()}", ScheduleSources.Autostart);
        }

        return null;
    }

    static ScheduleDecision? DecideStop(WorkspaceEntity w, EffectiveSchedule schedule, AgentObservation agent, DateTimeOffset now)
    {
        if (DeadlineOf(w, schedule, agent) is not { } deadline || now < deadline.At) return null;
        int open = OpenSessions(agent);
        int window = schedule.AutostopAfterMinutes ?? DefaultKeepAliveMinutes;
        if (open > 0)
        {
            var until = now.AddMinutes(window);
            string source = agent.LastSession is { } session ? ScheduleSources.Session(session) : "sessions";
            string latest = ScheduleSources.DescribeSession(source) is { } which ? $", the latest {which}" : "";
            return new ScheduleDecision(ScheduleActionKind.ExtendDeadline, ScheduleReasons.KeepAlive,
                $"Kept running: {open} open session(s){latest}. The deadline {Clock(deadline.At, schedule)} is extended to {Clock(until, schedule)}.", source, until);
        }

        bool byUser = deadline.Source.StartsWith("user:", StringComparison.Ordinal);
        if (!byUser && schedule.AutostopAfterMinutes is { } minutes && agent.LastActivityAt is { } active && active.AddMinutes(minutes) > deadline.At)
        {
            var until = active.AddMinutes(minutes);
            string source = agent.LastSession is { } session ? ScheduleSources.Session(session) : ScheduleSources.Activity;
            string by = ScheduleSources.DescribeSession(source) is { } which ? $"by {which}" : "by activity";
            return new ScheduleDecision(ScheduleActionKind.ExtendDeadline, ScheduleReasons.DeadlineExtended,
                $"Deadline extended to {Clock(until, schedule)} {by}: last active {Clock(active, schedule)}, and the workspace stops after {minutes} min without activity.", source, until);
        }

        if (byUser)
        {
            return new ScheduleDecision(ScheduleActionKind.Stop, ScheduleReasons.Deadline,
                $"Stopped: the deadline {Clock(deadline.At, schedule)} set by {deadline.Source["user:".Length..]} has come, with no session open.", deadline.Source, null);
        }

        var last = LastActive(w, agent);
        return new ScheduleDecision(ScheduleActionKind.Stop, ScheduleReasons.IdleTimeout,
            $"Stopped: idle {Minutes(now - last)} min, no session open and no activity since {Clock(last, schedule)} (auto-stop after {window} min, set by the {schedule.AutostopFrom ?? "deadline"}).",
            deadline.Source, null);
    }

    static ScheduleDecision? DecideAutostart(WorkspaceEntity w, EffectiveSchedule schedule, DateTimeOffset now)
    {
        if (schedule.Autostart is null)
        {
            // No autostart (any more): forget the occurrence, silently.
            return w.NextAutostartAt is null ? null : new ScheduleDecision(ScheduleActionKind.RescheduleAutostart, ScheduleReasons.AutostartSkipped, "", ScheduleSources.Autostart, null);
        }

        var next = schedule.NextAutostart(now);
        if (w.NextAutostartAt is not { } due) return next is null ? null : new ScheduleDecision(ScheduleActionKind.RescheduleAutostart, ScheduleReasons.Autostart, "", ScheduleSources.Autostart, next);
        if (due > now) return null;
        bool stopped = w.DesiredState == DesiredStates.Stopped && w.IsIn(WorkspaceStatus.Stopped);
        if (stopped && now - due <= AutostartGrace)
        {
            return new ScheduleDecision(ScheduleActionKind.Start, ScheduleReasons.Autostart,
                $"Started by its autostart schedule {schedule.DescribeAutostart()}: the occurrence at {Clock(due, schedule)}.", ScheduleSources.Autostart, next);
        }

        string why = stopped ? $"it came {Minutes(now - due)} min ago, longer than the {AutostartGrace.TotalMinutes:0} min an occurrence may be late" : $"the workspace was {w.Status}";
        string then = next is { } n ? $" Next: {Clock(n, schedule)}." : "";
        return new ScheduleDecision(ScheduleActionKind.RescheduleAutostart, ScheduleReasons.AutostartSkipped,
            $"Autostart at {Clock(due, schedule)} skipped: {why}.{then}", ScheduleSources.Autostart, next);
    }

    /// <summary>Sessions count only while the agent is heard from: a silent agent's last count is no reason to keep running.</summary>
    static int OpenSessions(AgentObservation agent) => agent.Connection == "connected" ? agent.Sessions ?? 0 : 0;

    static DateTimeOffset LastActive(WorkspaceEntity w, AgentObservation agent)
    {
        var last = w.BuildStartedAt ?? w.UpdatedAt;
        if (w.OperationStartedAt is { } op && op > last) last = op;
        if (agent.LastActivityAt is { } act && act > last) last = act;
        return last;
    }

    static string Minutes(TimeSpan t) => Math.Max(0, t.TotalMinutes).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>"18:40 Europe/Berlin (2026-12-07T17:40:00Z)": the clock in the schedule's zone, and the instant.</summary>
    static string Clock(DateTimeOffset at, EffectiveSchedule schedule) =>
        $"{TimeZoneInfo.ConvertTime(at, schedule.Zone).ToString("HH:mm", CultureInfo.InvariantCulture)} {schedule.Zone.Id} ({at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)})";
}
