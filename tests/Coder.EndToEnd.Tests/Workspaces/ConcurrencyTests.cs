using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Workspaces;

/// <summary>
/// One operation at a time per workspace: racing requests either win (202) or learn who won (409), and nothing is lost. An
/// ETag from a GET stays valid while only the agents report, and racing changes under one ETag get 412, not a second claim.
/// </summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class ConcurrencyTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TwentyParallelStopStartRequests_EachGets202Or409_AndStateStaysConsistent()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("race"));
        string id = await api.CreateWorkspaceAsync("dev", "race");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => api.PostAsync($"/api/workspaces/{id}/{(i % 2 == 0 ? "stop" : "start")}", "")));
        var accepted = responses.Where(r => r.Status == HttpStatusCode.Accepted).ToList();
        var conflicts = responses.Where(r => r.Status == HttpStatusCode.Conflict).ToList();
        Assert.Equal(20, accepted.Count + conflicts.Count);
        Assert.NotEmpty(accepted);
        var acceptedIds = accepted.Select(r => (string)r.Json["operation"]!["id"]!).ToList();
        Assert.Equal(acceptedIds.Count, acceptedIds.Distinct().Count());
        foreach (var c in conflicts)
        {
            Assert.Equal("application/problem+json", c.ContentType);
            string running = (string)c.Json["operationId"]!;
            Assert.StartsWith(id + ".", running);
        }

        // Every accepted operation runs to the end, and the workspace ends where the last one left it.
        foreach (string opId in acceptedIds)
        {
            await Eventually.WaitAsync(() => api.GetAsync($"/api/operations/{opId}"), r => (string?)r.Json["status"] is "succeeded" or "failed", TimeSpan.FromSeconds(90), $"operation {opId} to finish");
            Assert.Equal("succeeded", (string?)(await api.GetAsync($"/api/operations/{opId}")).Json["status"]);
        }

        var last = acceptedIds.OrderBy(x => x, StringComparer.Ordinal).Last();
        string expected = last.EndsWith(".stop", StringComparison.Ordinal) ? "stopped" : "running";
        var final = await api.WaitForStatusAsync(id, expected, TimeSpan.FromSeconds(30));
        Assert.Null(final["operation"]);
        Assert.Equal(expected == "running" ? 1 : 0, AgentProcesses.Under(_host.DataDirectory, id).Count);

        // No lost update: each accepted operation left its own started and succeeded entries.
        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        foreach (string opId in acceptedIds)
        {
            Assert.Contains(events, e => (string?)e!["operationId"] == opId && ((string)e["kind"]!).EndsWith(".started", StringComparison.Ordinal));
            Assert.Contains(events, e => (string?)e!["operationId"] == opId && ((string)e["kind"]!).EndsWith(".succeeded", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task IfMatch_StaysValidAcrossHeartbeats_AndRacingChangesUnderOneETagGet412()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("etag", heartbeatSeconds: 1));
        string id = await api.CreateWorkspaceAsync("dev", "etag");

        // GET, then wait until the agent's heartbeat time has advanced twice: the workspace's ETag is still the same.
        var read = await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(60));
        string etag = read.Headers["ETag"];
        var heard = new HashSet<string> { (string?)read.Json["agent"]!["lastHeartbeatAt"] ?? "" };
        var etags = new HashSet<string> { etag };
        await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"), r =>
        {
            etags.Add(r.Headers["ETag"]);
            heard.Add((string?)r.Json["agent"]!["lastHeartbeatAt"] ?? "");
            return heard.Count >= 3;
        }, TimeSpan.FromSeconds(30), "two more heartbeats");
        Assert.Equal([etag], etags);

        // Four changes race under that ETag: exactly one claims the workspace, the others learn it changed (412, not 409).
        var racing = await Task.WhenAll(new[] { "1.1", "1.2", "1.3", "1.4" }.Select(cpu =>
            api.SendAsync(HttpMethod.Patch, $"/api/workspaces/{id}", $$$"""{"size":{"cpu":{{{cpu}}},"memoryMiB":512}}""", new Dictionary<string, string> { ["If-Match"] = etag })));
        var won = Assert.Single(racing, r => r.Status == HttpStatusCode.Accepted);
        Assert.All(racing.Where(r => r != won), r =>
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, r.Status);
            Assert.Equal("application/problem+json", r.ContentType);
        });
        string opId = (string)won.Json["operation"]!["id"]!;
        var ended = await Eventually.WaitAsync(() => api.GetAsync($"/api/operations/{opId}"), r => (string?)r.Json["status"] is "succeeded" or "failed", TimeSpan.FromSeconds(60), $"operation {opId} to finish");
        Assert.Equal("succeeded", (string?)ended.Json["status"]);

        // A desired-state change since the GET (the scale, then a stop) still makes that ETag stale.
        var stop = await api.PostAsync($"/api/workspaces/{id}/stop", "");
        Assert.Equal(HttpStatusCode.Accepted, stop.Status);
        var late = await api.SendAsync(HttpMethod.Patch, $"/api/workspaces/{id}", """{"replicas":2}""", new Dictionary<string, string> { ["If-Match"] = etag });
        Assert.Equal(HttpStatusCode.PreconditionFailed, late.Status);
        await api.WaitForStatusAsync(id, "stopped", TimeSpan.FromSeconds(60));
    }
}
