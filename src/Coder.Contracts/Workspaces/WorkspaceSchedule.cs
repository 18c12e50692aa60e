namespace Coder.Contracts.Workspaces;

/// <summary>
/// A workspace's schedule (PATCH <c>schedule</c>, and as <c>GET</c> shows it). Unset fields take the template's defaults.
/// </summary>
/// <param name="Autostart">A 5-field cron expression (minute hour day month weekday): when a stopped workspace starts.</param>
/// <param name="Timezone">The IANA time zone <see cref="Autostart"/> is read in, e.g. <c>Europe/Berlin</c> (default UTC).</param>
/// <param name="AutostopAfterMinutes">Stop the running workspace this long after its last activity (replaces the template's <c>idle.stopAfterMinutes</c>).</param>
/// <param name="Deadline">Stop the running workspace at this time, unless a session is still open then.</param>
public sealed record WorkspaceSchedule(
    string? Autostart = null,
    string? Timezone = null,
    int? AutostopAfterMinutes = null,
    DateTimeOffset? Deadline = null);
