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

    static async Task<JsonNode> WaitForEventAsync(CoderApi api, string id, string kind, TimeSpan timeout)
    {
        var found = await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}/events?max=1000"),
            r => r.Json["items"]!.AsArray().Any(e => (string?)e!["kind"] == kind), timeout, $"a {kind} event", TimeSpan.FromMilliseconds(500));
        return found.Json["items"]!.AsArray().Last(e => (string?)e!["kind"] == kind)!;
    }
}
