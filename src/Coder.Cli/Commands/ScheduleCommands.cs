using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Coder.Cli.Http;
using Coder.Cli.Output;
using Coder.Contracts.Json;
using Coder.Contracts.Workspaces;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary><c>coder schedule show|set|clear</c>: a workspace's autostart, auto-stop and deadline, and what happens next (API.md "Schedules").</summary>
public static class ScheduleCommands
{
    public static Command Build(CliContext context)
    {
        var schedule = new Command("schedule", "When a workspace starts and stops by itself, and why.");

        var showWorkspace = new Argument<string>("workspace") { Description = "Name or id" };
        var show = new Command("show", "Show the schedule and the next scheduled start or stop.") { showWorkspace };
        context.Action(show, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(showWorkspace)!, ct);
            var answer = await client.GetAsync(WorkspacePath(id), ct);
            Print(context, parse, answer.Body);
        });
        schedule.Add(show);

        var setWorkspace = new Argument<string>("workspace") { Description = "Name or id" };
        var autostart = new Option<string?>("--autostart") { Description = "Cron (minute hour day month weekday), e.g. \"0 9 * * 1-5\"" };
        var timezone = new Option<string?>("--timezone") { Description = "IANA time zone of --autostart, e.g. Europe/Berlin (default UTC)" };
        var autostop = new Option<int?>("--autostop-after") { Description = "Stop after this many minutes without activity" };
        var deadline = new Option<string?>("--deadline") { Description = "Stop at this time unless a session is open, e.g. 2026-12-07T18:00Z" };
        var set = new Command("set", "Change the schedule; options not given keep their value.") { setWorkspace, autostart, timezone, autostop, deadline };
        context.Action(set, async (parse, client, ct) =>
        {
            string? cron = parse.GetValue(autostart), zone = parse.GetValue(timezone), until = parse.GetValue(deadline);
            int? minutes = parse.GetValue(autostop);
            if (cron is null && zone is null && minutes is null && until is null) throw new CliUsageException("Give --autostart, --timezone, --autostop-after or --deadline.");
            DateTimeOffset? at = null;
            if (until is not null)
            {
                at = DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw new CliUsageException($"--deadline: '{until}' is not a time; give it as 2026-12-07T18:00Z.");
            }

            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(setWorkspace)!, ct);
            var current = await client.GetAsync(WorkspacePath(id), ct);
            var own = current.Body?["schedule"];

            // Merged over the workspace's own fields as read, and written only if nobody changed the workspace since.
            var wanted = new WorkspaceSchedule(
                cron ?? (string?)own?["autostart"],
                zone ?? (string?)own?["timezone"],
                minutes ?? (int?)own?["autostopAfterMinutes"],
                at);
            await PatchAsync(context, parse, client, id, wanted, current.ETag, ct);
        });
        schedule.Add(set);

        var clearWorkspace = new Argument<string>("workspace") { Description = "Name or id" };
        var clear = new Command("clear", "Drop the workspace's own schedule: the template's defaults apply again.") { clearWorkspace };
        context.Action(clear, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(clearWorkspace)!, ct);
            var current = await client.GetAsync(WorkspacePath(id), ct);
            await PatchAsync(context, parse, client, id, new WorkspaceSchedule(), current.ETag, ct);
        });
        schedule.Add(clear);
        return schedule;
    }

    static async Task PatchAsync(CliContext context, ParseResult parse, CoderClient client, string id, WorkspaceSchedule schedule, string? etag, CancellationToken cancellationToken)
    {
        var answer = await client.PatchAsync(WorkspacePath(id), new UpdateWorkspaceRequest { Schedule = schedule }, CoderJsonContext.Default.UpdateWorkspaceRequest, etag, cancellationToken);
        Print(context, parse, answer.Body);
    }

    /// <summary>JSON output is the workspace as the API answers it (its schema); the table is the schedule part of it.</summary>
    static void Print(CliContext context, ParseResult parse, JsonNode? workspace) =>
        context.Print(parse, workspace, console => Write(console, workspace));

    static void Write(IAnsiConsole console, JsonNode? body)
    {
        var s = body?["schedule"];
        console.WriteLine($"Workspace: {Tables.Text(body?["name"])} ({Tables.Text(body?["status"])})");
        console.WriteLine($"Autostart: {(s?["autostart"] is { } cron ? $"{cron} ({(string?)s["timezone"] ?? "UTC"})" : "template default")}");
        console.WriteLine($"Auto-stop: {(s?["autostopAfterMinutes"] is { } m ? $"after {m} min without activity" : "template default")}");
        console.WriteLine($"Deadline:  {(s?["deadline"] is { } d ? Tables.Text(d) : "none")}");
        console.WriteLine(body?["nextTransition"] is { } next
            ? $"Next:      {Tables.Text(next["action"])} at {Tables.Text(next["at"])}: {Tables.Text(next["reason"])} (source {Tables.Text(next["source"])})"
            : "Next:      nothing scheduled");
    }

    static string WorkspacePath(string id) => $"/api/workspaces/{Uri.EscapeDataString(id)}";
}
