using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Scaling;

/// <summary>
/// PATCH /api/workspaces/{id} end to end on the local host: replicas are real agent processes, sizes are real cgroup limits
/// changed live, limits and If-Match are enforced before anything changes.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ManualScaleTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Patch_ReplicasAndSize_AppliesLive_RejectsOverLimitAndStaleETag()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("scaling", heartbeatSeconds: 2, maxReplicas: 3));
        var created = await api.PostAsync("/api/workspaces", """{"name":"dev","template":"scaling","replicas":2}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = created.Json["id"]!.GetValue<string>();
        await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(60));
        var firstAgents = AgentProcesses.Under(_host.DataDirectory, id).Select(a => a.Pid).Order().ToList();
        Assert.Equal(2, firstAgents.Count);

        // A size over the template's limit: 400 naming the field, and nothing changes.
        var before = await api.GetAsync($"/api/workspaces/{id}");
        var tooBig = await Patch(api, id, """{"size":{"cpu":8,"memoryMiB":512}}""", before.Headers["ETag"]);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.Status);
        Assert.Equal("application/problem+json", tooBig.ContentType);
        Assert.NotNull(tooBig.Json["errors"]!["size.cpu"]);
        var unchanged = (await api.GetAsync($"/api/workspaces/{id}")).Json;
        Assert.Equal(1, unchanged["size"]!["cpu"]!.GetValue<double>());
        Assert.Equal(2, unchanged["replicas"]!.GetValue<int>());
        Assert.Null(unchanged["operation"]);
        Assert.DoesNotContain(await EventKinds(api, id), k => k.StartsWith("scale.", StringComparison.Ordinal));

        // 2 → 3 replicas with the ETag of a GET made before the agents sent two more heartbeats: heartbeats are observed
        // state, so the ETag still holds.
        var current = await api.GetAsync($"/api/workspaces/{id}");
        string staleETag = current.Headers["ETag"];
        var heard = new HashSet<string> { (string?)current.Json["agent"]!["lastHeartbeatAt"] ?? "" };
        await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"), r => heard.Add((string?)r.Json["agent"]!["lastHeartbeatAt"] ?? "") && heard.Count >= 3,
            TimeSpan.FromSeconds(30), "two more heartbeats");
        var accepted = await Patch(api, id, """{"replicas":3}""", staleETag);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal("scale", (string?)accepted.Json["operation"]!["kind"]);
        await WaitForOperationAsync(api, accepted.Json["operation"]!["statusUrl"]!.GetValue<string>(), "succeeded");
        var scaled = await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));
        Assert.Equal(3, scaled["replicas"]!.GetValue<int>());
        Assert.Equal("ready", (string?)scaled["agent"]!["lifecycle"]);
        var agents = AgentProcesses.Under(_host.DataDirectory, id).Select(a => a.Pid).ToList();
        Assert.Equal(3, agents.Count);
        Assert.All(firstAgents, pid => Assert.Contains(pid, agents));
        // Before resizing, the scale asked the two running agents to prepare, and both answered the drain hint.
        var afterReplicas = await EventKinds(api, id);
        Assert.Equal(2, afterReplicas.Count(k => k == "agent.drained"));
        Assert.Contains("scale.drained", afterReplicas);
        Assert.DoesNotContain("scale.drain-timeout", afterReplicas);

        // The ETag read before the scale is stale now: 412, and nothing changes.
        var stale = await Patch(api, id, """{"replicas":1}""", staleETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal("application/problem+json", stale.ContentType);
        Assert.Equal(3, (await api.GetAsync($"/api/workspaces/{id}")).Json["replicas"]!.GetValue<int>());
        Assert.Equal(3, AgentProcesses.Under(_host.DataDirectory, id).Count);

        // Vertical: new cgroup limits on the same processes, no restart.
        var vertical = await Patch(api, id, """{"size":{"cpu":1.5,"memoryMiB":768}}""", null);
        Assert.Equal(HttpStatusCode.Accepted, vertical.Status);
        await WaitForOperationAsync(api, vertical.Json["operation"]!["statusUrl"]!.GetValue<string>(), "succeeded");
        var resized = (await api.GetAsync($"/api/workspaces/{id}")).Json;
        Assert.Equal(1.5, resized["size"]!["cpu"]!.GetValue<double>());
        Assert.Equal(768, resized["size"]!["memoryMiB"]!.GetValue<int>());
        Assert.True(resized["size"]!["enforced"]!.GetValue<bool>());
        Assert.Equal(agents.Order(), AgentProcesses.Under(_host.DataDirectory, id).Select(a => a.Pid).Order());
        Assert.All(agents, pid =>
        {
            Assert.Equal(1.5, CgroupLimits.CpuOf(pid));
            Assert.Equal(768, CgroupLimits.MemoryMiBOf(pid));
        });
        var kinds = await EventKinds(api, id);
        Assert.Equal(2, kinds.Count(k => k == "scale.succeeded"));
        Assert.Equal(2 + 3, kinds.Count(k => k == "agent.drained"));
        Assert.Equal(2, kinds.Count(k => k == "scale.drained"));
    }

    static Task<ApiResponse> Patch(CoderApi api, string id, string body, string? ifMatch) =>
        api.SendAsync(HttpMethod.Patch, $"/api/workspaces/{id}", body, ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch });

    static async Task<List<string>> EventKinds(CoderApi api, string id) =>
        (await api.GetAsync($"/api/workspaces/{id}/events")).Json["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();

    static async Task WaitForOperationAsync(CoderApi api, string url, string status)
    {
        var ended = await Eventually.WaitAsync(() => api.GetAsync(url), r => (string?)r.Json["status"] is "succeeded" or "failed", TimeSpan.FromSeconds(60), $"operation {url} to end");
        Assert.True((string?)ended.Json["status"] == status, $"operation ended {ended}");
    }
}
