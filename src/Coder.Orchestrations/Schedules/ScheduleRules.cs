using System.Text.Json;
using Coder.Contracts.Json;
using Coder.Contracts.Templates;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Cronos;

namespace Coder.Orchestrations.Schedules;

/// <summary>
/// What a schedule may say (template defaults and bounds, a workspace's own schedule), and the schedule in force for a
/// workspace: its own fields, else the template's defaults, else <c>idle.stopAfterMinutes</c> for the auto-stop.
/// </summary>
public static class ScheduleRules
{
    public const int MaxMinutes = 525_600;
    const string CronRule = "A 5-field cron expression: minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1-5\".";
    const string ZoneRule = "An IANA time zone, e.g. \"Europe/Berlin\" or \"UTC\".";

    public static void ValidateTemplate(TemplateSchedule? schedule, ValidationErrors errors)
    {
        if (schedule is null) return;
        if (schedule.DefaultAutostart is { } cron && ParseCron(cron) is null) errors.Add("schedule.defaultAutostart", CronRule);
        if (schedule.DefaultTimezone is { } zone && FindZone(zone) is null) errors.Add("schedule.defaultTimezone", ZoneRule);
        if (schedule.DefaultAutostopAfterMinutes is < 1 or > MaxMinutes) errors.Add("schedule.defaultAutostopAfterMinutes", $"Between 1 and {MaxMinutes}.");
        if (schedule.MaxAutostopAfterMinutes is < 1 or > MaxMinutes) errors.Add("schedule.maxAutostopAfterMinutes", $"Between 1 and {MaxMinutes}.");
        if (schedule is { DefaultAutostopAfterMinutes: { } d, MaxAutostopAfterMinutes: { } max } && d > max)
            errors.Add("schedule.defaultAutostopAfterMinutes", "Must not exceed maxAutostopAfterMinutes.");
        if (schedule is { AllowAutostart: false, DefaultAutostart: not null }) errors.Add("schedule.defaultAutostart", "Not with allowAutostart: false.");
    }

    /// <summary>A workspace's schedule against its template's bounds; a deadline must lie ahead of <paramref name="now"/>.</summary>
    public static void ValidateWorkspace(WorkspaceSchedule schedule, TemplateSpec spec, DateTimeOffset now, ValidationErrors errors)
    {
        var bounds = spec.Schedule;
        if (schedule.Autostart is { } cron)
        {
            if (bounds?.AllowAutostart == false) errors.Add("schedule.autostart", $"Template '{spec.Name}' does not allow autostart (allowAutostart: false).");
            else if (ParseCron(cron) is null) errors.Add("schedule.autostart", CronRule);
        }

        if (schedule.Timezone is { } zone && FindZone(zone) is null) errors.Add("schedule.timezone", ZoneRule);
        int max = bounds?.MaxAutostopAfterMinutes ?? MaxMinutes;
        if (schedule.AutostopAfterMinutes is { } minutes && (minutes < 1 || minutes > max))
            errors.Add("schedule.autostopAfterMinutes", max == MaxMinutes ? $"Between 1 and {MaxMinutes}." : $"Between 1 and {max} (the template's maxAutostopAfterMinutes).");
        if (schedule.Deadline is { } deadline)
        {
            if (deadline <= now) errors.Add("schedule.deadline", "Must lie in the future.");
            else if (bounds?.MaxAutostopAfterMinutes is { } most && deadline > now.AddMinutes(most))
                errors.Add("schedule.deadline", $"At most {most} min ahead (the template's maxAutostopAfterMinutes).");
        }
    }

    /// <summary>The schedule in force: the workspace's own fields, else the template's defaults, within the template's bounds.</summary>
    public static EffectiveSchedule Resolve(WorkspaceSchedule? own, TemplateSchedule? template, int? idleStopAfterMinutes)
    {
        bool allowed = template?.AllowAutostart != false;
        string? cronText = allowed ? own?.Autostart ?? template?.DefaultAutostart : null;
        var zone = FindZone(own?.Timezone ?? template?.DefaultTimezone ?? "UTC") ?? TimeZoneInfo.Utc;
        var (minutes, from) = own?.AutostopAfterMinutes is { } mine ? (mine, "workspace")
            : template?.DefaultAutostopAfterMinutes is { } byTemplate ? (byTemplate, "template schedule")
            : idleStopAfterMinutes is { } idle ? (idle, "template idle.stopAfterMinutes")
            : ((int?)null, (string?)null);

        // A bound lowered by a later template version caps what the workspace chose under the old one.
        if (minutes is { } m && template?.MaxAutostopAfterMinutes is { } max && m > max) minutes = max;
        return new EffectiveSchedule(cronText is null ? null : ParseCron(cronText), cronText, zone, minutes, from);
    }

    /// <summary>The workspace's own schedule as stored (without its deadline), or null.</summary>
    public static WorkspaceSchedule? Read(WorkspaceEntity workspace)
    {
        if (workspace.ScheduleJson is not { Length: > 0 } json) return null;
        try
        {
            return JsonSerializer.Deserialize(json, CoderJsonContext.Default.WorkspaceSchedule);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="schedule"/> (its deadline goes to <see cref="WorkspaceEntity.DeadlineAt"/>, not here); empty stores nothing.</summary>
    public static string? Write(WorkspaceSchedule schedule)
    {
        var kept = schedule with { Deadline = null };
        return kept == new WorkspaceSchedule() ? null : JsonSerializer.Serialize(kept, CoderJsonContext.Default.WorkspaceSchedule);
    }

    public static CronExpression? ParseCron(string text)
    {
        try
        {
            return CronExpression.Parse(text, CronFormat.Standard);
        }
        catch (CronFormatException)
        {
            return null;
        }
    }

    public static TimeZoneInfo? FindZone(string id)
    {
        if (id.Length is 0 or > 64) return null;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
