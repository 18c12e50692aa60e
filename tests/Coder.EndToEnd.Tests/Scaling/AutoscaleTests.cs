using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coder.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Scaling;

/// <summary>
/// The autoscaler end to end on the local host, with periods in seconds (CODER_AUTOSCALE_SCHEDULE every 2 s, 1 s metrics
/// buckets, 1 s agent metrics): a real CPU burner in the workspace's cgroup drives a real scale-up, visible in the cgroup
/// quota and explained on the timeline; when the burner stops, the workspace comes back down after the down window.
/// Horizontally, open <c>coder ssh</c> sessions drive the replica count out and back in the same way.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class AutoscaleTests(TestStorage storage, ITestOutputHelper output) : IAsyncLifetime
{
    const int PeriodSeconds = 2;
    const int UpAfterSeconds = 4;
    const int DownAfterSeconds = 8;

    readonly LocalHostProcess _host = new(storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
    {
        ["CODER_AUTOSCALE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *",
        ["CODER_METRICS_BUCKET_SECONDS"] = "1",
        ["CODER_AGENT_METRICS_SECONDS"] = "1",
    });

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Two busy loops in the background (so the script ends and the agent is ready), their pids kept for the test.</summary>
    const string Burner = "for i in 1 2; do (while :; do :; done) >/dev/null 2>&1 & echo $! >> burner.pids; done";

    [Fact]
    public async Task CpuBurner_ScalesUpWithinThreePeriods_ThenBackDownAfterTheDownWindow()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync($$"""
            {
              "name": "autoscaled",
              "provisioner": "local",
              "resources": { "cpu": 1, "memoryMiB": 512 },
              "limits": { "maxCpu": 2, "maxMemoryMiB": 1024, "maxReplicas": 1 },
              "startupScripts": [ { "name": "burn", "script": {{System.Text.Json.JsonSerializer.Serialize(Burner)}}, "timeoutSeconds": 30, "blocksReady": true } ],
              "autoscale": { "enabled": true, "minCpu": 1, "maxCpu": 2, "targetCpuPercent": 60,
                             "scaleUpAfterSeconds": {{UpAfterSeconds}}, "scaleDownAfterSeconds": {{DownAfterSeconds}}, "cooldownSeconds": 6 },
              "agent": { "heartbeatSeconds": 2, "metricsSeconds": 1, "readyTimeoutSeconds": 60 }
            }
            """);
        string id = await api.CreateWorkspaceAsync("busy", "autoscaled");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        int agent = Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid;
        Assert.Equal(1, CgroupLimits.CpuOf(agent));

        // Up: the decision is on the timeline with its numbers, and the cgroup quota follows the new size.
        var up = await WaitForEventAsync(api, id, "autoscale.up", TimeSpan.FromSeconds(60));
        Assert.Equal("autoscaler", (string?)up["actor"]);
        Assert.Equal("high_cpu", (string?)up["reason"]);
        Assert.NotNull(up["operationId"]);
        string message = (string)up["message"]!;
        Assert.Contains("above 66%", message);
        Assert.Contains("1 → ", message);
        var scaledUp = await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"),
            r => (string?)r.Json["status"] == "running" && r.Json["size"]!["cpu"]!.GetValue<double>() > 1 && CgroupLimits.CpuOf(agent) == r.Json["size"]!["cpu"]!.GetValue<double>(),
            TimeSpan.FromSeconds(30), "the new size to be applied to the cgroup");
        Assert.True(scaledUp.Json["size"]!["enforced"]!.GetValue<bool>());
        Assert.Equal(agent, Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid);

        // "Within 3 periods": from the start of the high stretch that led to the decision (read back from the metrics API), the
        // decision waited the up window and then at most 3 periods (+1 s for the bucket).
        var series = (await api.GetAsync($"/api/workspaces/{id}/metrics?window=10m")).Json;
        Assert.Equal(1, series["bucketSeconds"]!.GetValue<int>());
        var upAt = up["at"]!.GetValue<DateTimeOffset>();
        var points = series["items"]!.AsArray().Select(p => (At: p!["at"]!.GetValue<DateTimeOffset>(), Cpu: p["cpuPercent"]!.GetValue<double>())).Where(p => p.At < upAt).ToList();
        int lastLow = points.FindLastIndex(p => p.Cpu <= 66);
        var highSince = points[lastLow + 1].At;
        double upDelay = (upAt - highSince).TotalSeconds;
        output.WriteLine($"up {upDelay:0.0} s after CPU went above the threshold (window {UpAfterSeconds} s, period {PeriodSeconds} s): {message}");
        Assert.InRange(upDelay, UpAfterSeconds - 1, UpAfterSeconds + 3 * PeriodSeconds + 1);

        // Down: stop the burner; the workspace returns to 1 CPU, but not before the down window has passed.
        string pids = await File.ReadAllTextAsync(Path.Combine(_host.DataDirectory, "workspaces", id, "burner.pids"));
        foreach (string pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            System.Diagnostics.Process.GetProcessById(AgentProcesses.HostPid(agent, int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture))).Kill();
        }

        var stoppedAt = DateTimeOffset.UtcNow;
        var down = await WaitForEventAsync(api, id, "autoscale.down", TimeSpan.FromSeconds(60));
        Assert.Equal("low_utilization", (string?)down["reason"]);
        // Sized from the window's peak: usually straight to 1 CPU, but when the oldest bucket of the window still holds the
        // burner's last fraction of a second, the first step lands a little above (1.1) and a second window finishes the job.
        double upCpu = scaledUp.Json["size"]!["cpu"]!.GetValue<double>();
        Assert.Matches($@"{Regex.Escape(upCpu.ToString(CultureInfo.InvariantCulture))} → 1(\.[0-9]+)? CPU", (string)down["message"]!);
        double downDelay = (down["at"]!.GetValue<DateTimeOffset>() - stoppedAt).TotalSeconds;
        output.WriteLine($"down {downDelay:0.0} s after the burner stopped (window {DownAfterSeconds} s): {down["message"]}");
        Assert.True(downDelay >= DownAfterSeconds - 1, $"down came {down["at"]} after the burner stopped at {stoppedAt:O}");
        await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"),
            r => (string?)r.Json["status"] == "running" && r.Json["size"]!["cpu"]!.GetValue<double>() == 1 && CgroupLimits.CpuOf(agent) == 1,
            TimeSpan.FromSeconds(60), "the workspace back at 1 CPU in its cgroup");
        var kinds = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Equal(kinds.Count(k => k is "autoscale.up" or "autoscale.down"), kinds.Count(k => k == "scale.succeeded"));

        var bad = await api.GetAsync($"/api/workspaces/{id}/metrics?window=forever");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.NotNull(bad.Json["errors"]!["window"]);
    }

    /// <summary>
    /// Horizontal: two open <c>coder ssh -- sleep</c> sessions on a workspace whose replicas each carry one session scale it
    /// out to two replicas (two agent processes), explained on the timeline; once they close, it scales back in to one
    /// after its down window, never while the sessions are open.
    /// </summary>
    [Fact]
    public async Task TwoOpenSessions_ScaleOutToTwoReplicas_ThenBackInOnceTheyCloseAfterTheDownWindow()
    {
        const int InAfterSeconds = 6;
        using var api = _host.Admin();
        using var cli = new CliProcess();
        await api.CreateTemplateAsync($$"""
            {
              "name": "sessions",
              "provisioner": "local",
              "resources": { "cpu": 1, "memoryMiB": 512 },
              "limits": { "maxCpu": 1, "maxMemoryMiB": 512, "maxReplicas": 2 },
              "autoscale": { "enabled": true, "minCpu": 1, "maxCpu": 1, "minMemoryMiB": 512, "maxMemoryMiB": 512, "targetCpuPercent": 60,
                             "scaleUpAfterSeconds": {{UpAfterSeconds}}, "scaleDownAfterSeconds": {{InAfterSeconds}}, "cooldownSeconds": 2,
                             "minReplicas": 1, "maxReplicas": 2, "targetSessionsPerReplica": 1 },
              "agent": { "heartbeatSeconds": 2, "metricsSeconds": 1, "readyTimeoutSeconds": 60 }
            }
            """);
        string id = await api.CreateWorkspaceAsync("shared", "sessions");
        await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(60));
        Assert.Single(AgentProcesses.Under(_host.DataDirectory, id));
        Assert.Equal(0, (await cli.RunAsync("login", _host.BaseUrl, "--token", LocalHostProcess.AdminToken)).ExitCode);

        var sessions = new List<CliBackgroundProcess>();
        try
        {
            // Out, at once: one replica is meant to carry one session, and two are open.
            sessions.Add(new CliBackgroundProcess(cli.Home, "ssh", "shared", "--", "sleep", "600"));
            sessions.Add(new CliBackgroundProcess(cli.Home, "ssh", "shared", "--", "sleep", "600"));
            var up = await WaitForEventAsync(api, id, "autoscale.up", TimeSpan.FromSeconds(30));
            Assert.Equal("high_sessions", (string?)up["reason"]);
            Assert.Equal("Scale out: 2 session(s) open and each replica is meant to carry 1, 1 → 2 replica(s).", (string?)up["message"]);
            Assert.NotNull(up["operationId"]);
            var scaledOut = await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"),
                r => (string?)r.Json["status"] == "running" && r.Json["operation"] is null && (int)r.Json["replicas"]! == 2 && AgentProcesses.Under(_host.DataDirectory, id).Count == 2,
                TimeSpan.FromSeconds(30), "two replicas running");
            Assert.Equal(2, (int)scaledOut.Json["agent"]!["metrics"]!["sessions"]!);

            // Held while they are open: the metrics cover a whole down window (and two periods more) of idle CPU since the
            // scale out, and it is still two replicas.
            var outAt = ScaledAt(await EventsAsync(api, id));
            await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}/metrics?window=90s"),
                r => r.Json["items"]!.AsArray().Any(p => p!["at"]!.GetValue<DateTimeOffset>() >= outAt.AddSeconds(InAfterSeconds + 2 * PeriodSeconds)),
                TimeSpan.FromSeconds(30), "metrics past the down window");
            Assert.Equal(2, (int)(await api.GetAsync($"/api/workspaces/{id}")).Json["replicas"]!);
            Assert.DoesNotContain(await EventsAsync(api, id), e => (string?)e!["kind"] == "autoscale.down");
            Assert.All(sessions, s => Assert.False(s.HasExited, s.ToString()));
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }

        // In, once they have closed (the down window since the scale out has long passed).
        var closing = DateTimeOffset.UtcNow;
        await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"), r => (int?)r.Json["agent"]!["metrics"]!["sessions"] == 0,
            TimeSpan.FromSeconds(30), "the sessions to close");
        var down = await WaitForEventAsync(api, id, "autoscale.down", TimeSpan.FromSeconds(30));
        Assert.Equal("low_utilization", (string?)down["reason"]);
        Assert.Matches(@"^Scale in: CPU peak [0-9.]+% below 45% \(target 60% − 25 ?%\) for the whole 6 s window, 2 → 1 replica\(s\)", (string)down["message"]!);
        var downAt = down["at"]!.GetValue<DateTimeOffset>();
        output.WriteLine($"in {(downAt - closing).TotalSeconds:0.0} s after the sessions were closed: {down["message"]}");
        Assert.True(downAt >= closing, $"in at {downAt:O}, before the sessions were closed ({closing:O})");
        await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"),
            r => (string?)r.Json["status"] == "running" && r.Json["operation"] is null && (int)r.Json["replicas"]! == 1 && AgentProcesses.Under(_host.DataDirectory, id).Count == 1,
            TimeSpan.FromSeconds(30), "one replica again");
        var kinds = (await EventsAsync(api, id)).Select(e => (string)e!["kind"]!).ToList();
        Assert.Equal(1, kinds.Count(k => k == "autoscale.up"));
        Assert.Equal(1, kinds.Count(k => k == "autoscale.down"));
    }

    static async Task<JsonArray> EventsAsync(CoderApi api, string id) => (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();

    static DateTimeOffset ScaledAt(JsonArray events) => events.Where(e => (string?)e!["kind"] == "scale.succeeded").Select(e => e!["at"]!.GetValue<DateTimeOffset>()).Max();

    static async Task<JsonNode> WaitForEventAsync(CoderApi api, string id, string kind, TimeSpan timeout)
    {
        var found = await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}/events?max=1000"),
            r => r.Json["items"]!.AsArray().Any(e => (string?)e!["kind"] == kind), timeout, $"a {kind} event", TimeSpan.FromMilliseconds(500));
        return found.Json["items"]!.AsArray().Last(e => (string?)e!["kind"] == kind)!;
    }
}
