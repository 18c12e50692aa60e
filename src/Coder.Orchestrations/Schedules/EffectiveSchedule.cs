using Cronos;

namespace Coder.Orchestrations.Schedules;

/// <summary>A workspace's schedule with the template's defaults filled in and its bounds applied.</summary>
/// <param name="Autostart">The parsed cron, or null when the workspace does not autostart.</param>
/// <param name="AutostartText">The cron as written (for messages).</param>
/// <param name="Zone">The time zone the cron is read in.</param>
/// <param name="AutostopAfterMinutes">Stop this long after the last activity; null: no auto-stop.</param>
/// <param name="AutostopFrom">Where <see cref="AutostopAfterMinutes"/> came from (<c>workspace</c>, <c>template schedule</c>, <c>template idle.stopAfterMinutes</c>).</param>
public sealed record EffectiveSchedule(CronExpression? Autostart, string? AutostartText, TimeZoneInfo Zone, int? AutostopAfterMinutes, string? AutostopFrom)
{
    public static EffectiveSchedule None { get; } = new(null, null, TimeZoneInfo.Utc, null, null);

    /// <summary>The first autostart occurrence after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? NextAutostart(DateTimeOffset after) => Autostart?.GetNextOccurrence(after, Zone);

    /// <summary>"0 9 * * 1-5 (Europe/Berlin)".</summary>
    public string DescribeAutostart() => $"{AutostartText} ({Zone.Id})";
}
