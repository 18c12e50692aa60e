using Coder.Contracts.Templates;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Schedules;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Tests.Security;

namespace Coder.Orchestrations.Tests.Schedules;

/// <summary>
/// The schedule as decisions, on a clock the test moves (<see cref="ManualTime"/>): auto-stop, the deadline, keep-alive by
/// an open session, extension by activity, autostart by cron in a time zone, and what GET says comes next.
/// </summary>
public sealed class SchedulePlannerTests
{
    static readonly DateTimeOffset BuildStart = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero); // a Monday, 09:00 in Berlin

    static WorkspaceEntity Running(WorkspaceSchedule? own = null) => new()
    {
        PartitionKey = "alice",
        RowKey = "ws-a",
        DesiredState = DesiredStates.Running,
        Status = "running",
        AgentBuild = "b1",
        BuildStartedAt = BuildStart,
        UpdatedAt = BuildStart,
        ScheduleJson = own is null ? null : ScheduleRules.Write(own),
    };

    static WorkspaceEntity Stopped(WorkspaceSchedule own)
    {
        var w = Running(own);
        w.DesiredState = DesiredStates.Stopped;
        w.Status = "stopped";
        return w;
    }

    static AgentObservation Agent(int sessions = 0, DateTimeOffset? activity = null, string? lastSession = null) =>
        AgentObservation.None with { Connection = "connected", Sessions = sessions, LastActivityAt = activity, LastSession = lastSession };

    static EffectiveSchedule Resolve(WorkspaceEntity w, TemplateSchedule? template = null, int? idle = null) =>
        ScheduleRules.Resolve(ScheduleRules.Read(w), template, idle);

    [Fact]
    public void Autostop_StopsOnThePassAtItsDeadline_NotBefore()
    {
        var clock = new ManualTime(BuildStart);
        var w = Running(new WorkspaceSchedule(AutostopAfterMinutes: 60));
        var schedule = Resolve(w);

        clock.Advance(TimeSpan.FromMinutes(60) - TimeSpan.FromSeconds(1));
        Assert.Null(SchedulePlanner.Decide(w, schedule, Agent(), clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromSeconds(1));
        var stop = SchedulePlanner.Decide(w, schedule, Agent(), clock.GetUtcNow());
        Assert.NotNull(stop);
        Assert.Equal(ScheduleActionKind.Stop, stop.Kind);
        Assert.Equal(ScheduleReasons.IdleTimeout, stop.Reason);
        Assert.Equal(ScheduleSources.Autostop, stop.Source);
        Assert.Contains("Stopped: idle 60 min", stop.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkspaceAutostop_ReplacesTheTemplatesIdleRule_WhichStaysTheDefault()
    {
        var now = BuildStart.AddMinutes(31);
        var own = Running(new WorkspaceSchedule(AutostopAfterMinutes: 90));
        Assert.Null(SchedulePlanner.Decide(own, Resolve(own, idle: 30), Agent(), now));

        var plain = Running();
        var schedule = Resolve(plain, idle: 30);
        Assert.Equal("template idle.stopAfterMinutes", schedule.AutostopFrom);
        Assert.Equal(ScheduleActionKind.Stop, SchedulePlanner.Decide(plain, schedule, Agent(), now)?.Kind);

        // The template's schedule default comes before idle.stopAfterMinutes, and its bound caps a workspace's choice.
        Assert.Equal(45, Resolve(plain, new TemplateSchedule(DefaultAutostopAfterMinutes: 45), idle: 30).AutostopAfterMinutes);
        Assert.Equal(120, Resolve(Running(new WorkspaceSchedule(AutostopAfterMinutes: 600)), new TemplateSchedule(MaxAutostopAfterMinutes: 120)).AutostopAfterMinutes);
    }

    [Fact]
    public void OpenSessionAtTheDeadline_KeepsItRunning_AndNamesTheSession()
    {
        var now = BuildStart.AddMinutes(61);
        var w = Running(new WorkspaceSchedule(AutostopAfterMinutes: 60));
        var keep = SchedulePlanner.Decide(w, Resolve(w), Agent(sessions: 2, activity: BuildStart, lastSession: "ssh:connect-1-3"), now);

        Assert.NotNull(keep);
        Assert.Equal(ScheduleActionKind.ExtendDeadline, keep.Kind);
        Assert.Equal(ScheduleReasons.KeepAlive, keep.Reason);
        Assert.Equal("session:ssh:connect-1-3", keep.Source);
        Assert.Equal(now.AddMinutes(60), keep.At);
        Assert.Contains("Kept running: 2 open session(s), the latest an ssh session (connect-1-3)", keep.Message, StringComparison.Ordinal);

        // A silent agent's last count keeps nothing running.
        var silent = Agent(sessions: 2, activity: BuildStart) with { Connection = "disconnected" };
        Assert.Equal(ScheduleActionKind.Stop, SchedulePlanner.Decide(w, Resolve(w), silent, now)?.Kind);
    }

    [Fact]
    public void ActivityAfterAStoredDeadlineWasSet_ExtendsIt_ByTheSessionThatWasActive()
    {
        var w = Running(new WorkspaceSchedule(Timezone: "Europe/Berlin", AutostopAfterMinutes: 60));
        w.DeadlineAt = BuildStart.AddMinutes(60);
        w.DeadlineSource = ScheduleSources.Autostop;
        var active = BuildStart.AddMinutes(40);

        var extend = SchedulePlanner.Decide(w, Resolve(w), Agent(activity: active, lastSession: "pty:connect-2-1"), BuildStart.AddMinutes(60));
        Assert.NotNull(extend);
        Assert.Equal(ScheduleReasons.DeadlineExtended, extend.Reason);
        Assert.Equal("session:pty:connect-2-1", extend.Source);
        Assert.Equal(active.AddMinutes(60), extend.At);
        Assert.Contains("Deadline extended to 10:40 Europe/Berlin", extend.Message, StringComparison.Ordinal);
        Assert.Contains("by a terminal session (coder ssh) (connect-2-1)", extend.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserDeadline_StopsAtItsTime_ActivityDoesNotMoveIt_ButAnOpenSessionDoes()
    {
        var w = Running(new WorkspaceSchedule(AutostopAfterMinutes: 60));
        w.DeadlineAt = BuildStart.AddMinutes(30);
        w.DeadlineSource = ScheduleSources.User("alice");
        var now = BuildStart.AddMinutes(30);

        var stop = SchedulePlanner.Decide(w, Resolve(w), Agent(activity: now.AddMinutes(-1)), now);
        Assert.NotNull(stop);
        Assert.Equal(ScheduleReasons.Deadline, stop.Reason);
        Assert.Equal("user:alice", stop.Source);
        Assert.Equal(ScheduleReasons.KeepAlive, SchedulePlanner.Decide(w, Resolve(w), Agent(sessions: 1), now)?.Reason);

        // A deadline from before this build started belongs to an earlier run.
        w.BuildStartedAt = now.AddMinutes(1);
        Assert.Null(SchedulePlanner.Decide(w, Resolve(w), Agent(), now.AddMinutes(2)));
    }

    [Fact]
    public void Autostart_ByCronInATimeZone_StartsOnItsOccurrence_AndSkipsOneLongMissed()
    {
        var clock = new ManualTime(new DateTimeOffset(2026, 12, 6, 20, 0, 0, TimeSpan.Zero)); // Sunday evening
        var w = Stopped(new WorkspaceSchedule(Autostart: "0 9 * * 1-5", Timezone: "Europe/Berlin"));
        var schedule = Resolve(w);
        var monday9 = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero); // 09:00 CET

        // First pass: the next occurrence is recorded, silently.
        var first = SchedulePlanner.Decide(w, schedule, Agent(), clock.GetUtcNow());
        Assert.Equal(ScheduleActionKind.RescheduleAutostart, first?.Kind);
        Assert.Equal("", first!.Message);
        Assert.Equal(monday9, first.At);
        w.NextAutostartAt = first.At;
        Assert.Equal(new WorkspaceNextTransition("start", monday9, "autostart 0 9 * * 1-5 (Europe/Berlin)", "autostart"), SchedulePlanner.Next(w, schedule, Agent(), clock.GetUtcNow()));

        clock.Advance(monday9 - clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Null(SchedulePlanner.Decide(w, schedule, Agent(), clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(2));
        var start = SchedulePlanner.Decide(w, schedule, Agent(), clock.GetUtcNow());
        Assert.Equal(ScheduleActionKind.Start, start?.Kind);
        Assert.Equal(ScheduleReasons.Autostart, start!.Reason);
        Assert.Equal(monday9.AddDays(1), start.At);
        Assert.Contains("09:00 Europe/Berlin", start.Message, StringComparison.Ordinal);

        // An occurrence missed by more than the grace (the control plane was down) is skipped and said so.
        var late = SchedulePlanner.Decide(w, schedule, Agent(), monday9 + SchedulePlanner.AutostartGrace + TimeSpan.FromMinutes(1));
        Assert.Equal(ScheduleReasons.AutostartSkipped, late?.Reason);
        Assert.Contains("skipped", late!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_OfARunningWorkspace_IsTheStop_WithItsReason()
    {
        var w = Running(new WorkspaceSchedule(AutostopAfterMinutes: 60));
        var next = SchedulePlanner.Next(w, Resolve(w), Agent(activity: BuildStart.AddMinutes(10)), BuildStart.AddMinutes(20));

        Assert.NotNull(next);
        Assert.Equal("stop", next.Action);
        Assert.Equal(BuildStart.AddMinutes(70), next.At);
        Assert.Equal("autostop", next.Source);
        Assert.Contains("auto-stop after 60 min without activity (set by the workspace)", next.Reason, StringComparison.Ordinal);
        Assert.Null(SchedulePlanner.Next(Running(), Resolve(Running()), Agent(), BuildStart));
    }

    [Theory]
    [InlineData("""{"autostopAfterMinutes":500}""", "schedule.autostopAfterMinutes")]
    [InlineData("""{"autostart":"0 9 * *"}""", "schedule.autostart")]
    [InlineData("""{"timezone":"Mars/Olympus"}""", "schedule.timezone")]
    [InlineData("""{"deadline":"2026-12-07T07:00:00Z"}""", "schedule.deadline")]
    [InlineData("""{"deadline":"2026-12-08T07:00:00Z"}""", "schedule.deadline")]
    public void WorkspaceSchedule_OutsideTheTemplatesBounds_NamesTheField(string json, string field)
    {
        var schedule = System.Text.Json.JsonSerializer.Deserialize(json, Contracts.Json.CoderJsonContext.Default.WorkspaceSchedule)!;
        var spec = new TemplateSpec { Name = "py", Schedule = new TemplateSchedule(MaxAutostopAfterMinutes: 240) };
        var errors = new ValidationErrors();
        ScheduleRules.ValidateWorkspace(schedule, spec, BuildStart, errors);

        var problem = Assert.Throws<CoderProblemException>(errors.ThrowIfAny);
        Assert.Equal([field], problem.Errors!.Keys);
    }

    [Fact]
    public void TemplateThatForbidsAutostart_RefusesOne_AndResolvesNone()
    {
        var spec = new TemplateSpec { Name = "py", Schedule = new TemplateSchedule(DefaultAutostopAfterMinutes: 30, AllowAutostart: false) };
        var errors = new ValidationErrors();
        ScheduleRules.ValidateWorkspace(new WorkspaceSchedule(Autostart: "0 9 * * *"), spec, BuildStart, errors);
        Assert.True(errors.Any);
        Assert.Null(ScheduleRules.Resolve(new WorkspaceSchedule(Autostart: "0 9 * * *"), spec.Schedule, null).Autostart);

        var templateErrors = new ValidationErrors();
        ScheduleRules.ValidateTemplate(new TemplateSchedule(DefaultAutostart: "0 9 * * *", DefaultAutostopAfterMinutes: 300, MaxAutostopAfterMinutes: 60, AllowAutostart: false), templateErrors);
        var problem = Assert.Throws<CoderProblemException>(templateErrors.ThrowIfAny);
        Assert.Equal(["schedule.defaultAutostart", "schedule.defaultAutostopAfterMinutes"], problem.Errors!.Keys.Order());
    }
}
