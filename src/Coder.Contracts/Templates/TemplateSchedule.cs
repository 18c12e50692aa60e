namespace Coder.Contracts.Templates;

/// <summary>
/// A template's schedule defaults and bounds (API.md "Schedules"). A workspace's own <c>schedule</c> overrides the
/// defaults within the bounds; <c>idle.stopAfterMinutes</c> stays the auto-stop default when
/// <see cref="DefaultAutostopAfterMinutes"/> is not set.
/// </summary>
/// <param name="DefaultAutostart">A 5-field cron expression (minute hour day month weekday) new workspaces start on.</param>
/// <param name="DefaultTimezone">The IANA time zone <see cref="DefaultAutostart"/> is read in (default UTC).</param>
/// <param name="DefaultAutostopAfterMinutes">Stop a running workspace this long after its last activity.</param>
/// <param name="MaxAutostopAfterMinutes">The longest auto-stop a workspace may choose (and the most a deadline may lie ahead).</param>
/// <param name="AllowAutostart">False: workspaces of this template may not start on a schedule (default true).</param>
public sealed record TemplateSchedule(
    string? DefaultAutostart = null,
    string? DefaultTimezone = null,
    int? DefaultAutostopAfterMinutes = null,
    int? MaxAutostopAfterMinutes = null,
    bool? AllowAutostart = null);
