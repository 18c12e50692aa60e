using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Schedules;

/// <summary>
/// Issue #24's schedule acceptance on the real local host, its clock injected (<see cref="ShiftedClock"/>): a workspace
/// with <c>autostopAfterMinutes</c> set by <c>coder schedule set</c> is kept running by an open session (and the timeline
/// names the session), then stops within one reconciler period of its deadline; then it starts again by its autostart
/// cron in its time zone. GET shows the next transition and its reason at each step.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class ScheduleTests(TestStorage storage, ITestOutputHelper output) : IAsyncLifetime
{
    ScheduleHost _host = null!;
    readonly CliProcess _cli = new();

    public async Task InitializeAsync() => _host = await ScheduleHost.StartAsync(storage.ConnectionString);

    public async Task DisposeAsync()
    {
        _cli.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task Autostop_KeptAliveByASession_StopsWithinOnePeriodOfItsDeadline_ThenAutostartsByCronInItsTimeZone()
    {
        using var api = _host.Admin();
        var template = JsonNode.Parse(Templates.Local("sched"))!.AsObject();
        template["schedule"] = JsonNode.Parse("""{"defaultAutostopAfterMinutes":30,"maxAutostopAfterMinutes":240}""");
        await api.CreateTemplateAsync(template.ToJsonString());
        string id = await api.CreateWorkspaceAsync("sched", "sched");
        await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));
        string path = $"/api/workspaces/{id}";
        string accounts = Path.Combine(_host.DataDirectory, "workspaces", ".accounts");
        bool sandboxAccounts = Directory.Exists(accounts);

        // The template's default is in force until the workspace says otherwise.
        var before = await api.GetAsync(path);
        Assert.Equal("stop", (string?)before.Json["nextTransition"]?["action"]);
        Assert.Contains("auto-stop after 30 min", (string?)before.Json["nextTransition"]?["reason"], StringComparison.Ordinal);

        // Over the template's bound: a 400 naming the field, and nothing changed. A stale If-Match: 412.
        var tooLong = await api.SendAsync(HttpMethod.Patch, path, """{"schedule":{"autostopAfterMinutes":500}}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Contains("schedule.autostopAfterMinutes", tooLong.Body, StringComparison.Ordinal);
        var stale = await api.SendAsync(HttpMethod.Patch, path, """{"schedule":{"autostopAfterMinutes":60}}""", new Dictionary<string, string> { ["If-Match"] = "W/\"datetime'2000-01-01T00%3A00%3A00Z'\"" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal(before.Headers["ETag"], (await api.GetAsync(path)).Headers["ETag"]);

        // The user's way: coder schedule set (one conditional write, 200).
        Assert.Equal(0, (await _cli.RunAsync("login", _host.BaseUrl, "--token", LocalHostProcess.AdminToken)).ExitCode);
        Assert.Equal(1, (await _cli.RunAsync("schedule", "set", "sched")).ExitCode);
        var badCron = await _cli.RunAsync("schedule", "set", "sched", "--autostart", "61 9 * * *");
        Assert.Equal(2, badCron.ExitCode);
        Assert.Contains("schedule.autostart", badCron.Stdout + badCron.Stderr, StringComparison.Ordinal);
        var set = await _cli.RunAsync("schedule", "set", "sched", "--autostop-after", "60");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("after 60 min without activity", set.Stdout, StringComparison.Ordinal);
        var ws = (await api.GetAsync(path)).Json;
        Assert.Equal(60, (int?)ws["schedule"]?["autostopAfterMinutes"]);
        var deadline = ws["nextTransition"]!["at"]!.GetValue<DateTimeOffset>();
        Assert.InRange((deadline - _host.Clock.GetUtcNow()).TotalMinutes, 59, 60.1);

        // An open session at the deadline keeps the workspace running, and the timeline says which session.
        using (var session = new CliBackgroundProcess(_cli.Home, "ssh", "sched", "--", "sleep", "600"))
        {
            await Eventually.WaitAsync(async () => session.HasExited ? throw new InvalidOperationException("coder ssh exited:\n" + session) : (int?)(await api.GetAsync(path)).Json["agent"]?["metrics"]?["sessions"],
                n => n == 1, TimeSpan.FromSeconds(30), "the session to be reported");
            _host.Clock.AdvanceTo(deadline.AddSeconds(1));
            var kept = await WaitForEntryAsync(api, id, "reconcile.extend_deadline");
            Assert.Equal("keep_alive", (string?)kept["reason"]);
            Assert.StartsWith("session:exec:connect-", (string?)kept["source"], StringComparison.Ordinal);
            Assert.Contains("Kept running: 1 open session(s), the latest a command session (coder ssh --)", (string?)kept["message"], StringComparison.Ordinal);
            Assert.Equal("running", (string?)(await api.GetAsync(path)).Json["status"]);
        }

        // The session is gone: the next deadline is the one the session set, and at it the workspace stops.
        await Eventually.WaitAsync(async () => (int?)(await api.GetAsync(path)).Json["agent"]?["metrics"]?["sessions"], n => n == 0, TimeSpan.FromSeconds(30), "the session to close");
        var next = (await api.GetAsync(path)).Json["nextTransition"]!;
        Assert.Equal("stop", (string?)next["action"]);
        Assert.StartsWith("session:exec:", (string?)next["source"], StringComparison.Ordinal);
        var extended = next["at"]!.GetValue<DateTimeOffset>();
        Assert.True(extended > deadline.AddMinutes(59), $"extended to {extended:O}, the first deadline was {deadline:O}");
        _host.Clock.AdvanceTo(extended.AddSeconds(-1));
        var stop = await WaitForEntryAsync(api, id, "reconcile.stop");
        Assert.Equal("idle_timeout", (string?)stop["reason"]);
        Assert.Contains("Stopped: idle", (string?)stop["message"], StringComparison.Ordinal);
        var late = stop["at"]!.GetValue<DateTimeOffset>() - extended;
        output.WriteLine($"stop decided {late.TotalSeconds:0.00} s after the deadline (period {ScheduleHost.PeriodSeconds} s)");
        Assert.InRange(late.TotalSeconds, 0, ScheduleHost.PeriodSeconds + 1);
        await api.WaitForSettledAsync(id, "stopped", TimeSpan.FromSeconds(60));

        // Autostart by cron in a time zone: GET shows when and why; at that time the reconciler starts it.
        var autostart = await _cli.RunAsync("schedule", "set", "sched", "--autostart", "30 9 * * *", "--timezone", "Europe/Berlin");
        Assert.True(autostart.ExitCode == 0, autostart.ToString());
        var show = await _cli.RunAsync("schedule", "show", "sched", "--output", "json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var shown = show.JsonOf("GET", "/api/workspaces/{id}");
        Assert.Equal(60, (int?)shown["schedule"]?["autostopAfterMinutes"]); // kept from the first set
        Assert.Equal("30 9 * * *", (string?)shown["schedule"]?["autostart"]);
        var startNext = shown["nextTransition"]!;
        Assert.Equal("start", (string?)startNext["action"]);
        Assert.Equal("autostart 30 9 * * * (Europe/Berlin)", (string?)startNext["reason"]);
        var startAt = startNext["at"]!.GetValue<DateTimeOffset>();
        var berlin = TimeZoneInfo.ConvertTime(startAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((9, 30), (berlin.Hour, berlin.Minute));
        _host.Clock.AdvanceTo(startAt.AddSeconds(-1));
        var started = await WaitForEntryAsync(api, id, "reconcile.autostart");
        Assert.Equal("autostart", (string?)started["reason"]);
        Assert.Equal("autostart", (string?)started["source"]);
        Assert.InRange((started["at"]!.GetValue<DateTimeOffset>() - startAt).TotalSeconds, 0, ScheduleHost.PeriodSeconds + 1);
        await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));

        // Hours passed for the reconciler: the sandbox's own folder beside the workspaces is no orphan of theirs.
        if (sandboxAccounts) Assert.True(Directory.Exists(accounts), "the reconciler destroyed the sandbox's .accounts folder");
    }

    static async Task<JsonNode> WaitForEntryAsync(CoderApi api, string id, string kind) =>
        await Eventually.WaitAsync(async () => (await api.GetAsync($"/api/workspaces/{id}/events?max=200")).Json["items"]!.AsArray().FirstOrDefault(e => (string?)e!["kind"] == kind),
            e => e is not null, TimeSpan.FromSeconds(20), $"a {kind} entry on the timeline") ?? throw new InvalidOperationException("unreachable");
}
