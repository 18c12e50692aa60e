using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Snapshots;

/// <summary>Snapshots end to end: the local host on Azurite, the real durable engine, real agents and real folders.</summary>
[Collection(StorageCollection.Name)]
public sealed class SnapshotLifecycleTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    string Folder(string id) => Path.Combine(_host.DataDirectory, "workspaces", id);

    [Fact]
    public async Task Branch_FromSnapshotOfA_StartsWithItsContentRunsAndListsItAsAncestor()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("snapbranch", "echo started >> boot.log"));
        string a = await api.CreateWorkspaceAsync("ws-a", "snapbranch");
        await api.WaitForStatusAsync(a, "running", TimeSpan.FromSeconds(45));
        await File.WriteAllTextAsync(Path.Combine(Folder(a), "data.txt"), "from A");
        Directory.CreateDirectory(Path.Combine(Folder(a), ".coder", "hooks"));
        await File.WriteAllTextAsync(Path.Combine(Folder(a), ".coder", "hooks", "pre-snapshot"), "echo \"$CODER_SNAPSHOT_ID\" > quiesced.txt\n");

        string s1 = await SnapshotAsync(api, a, "s1");
        var listA = await ItemsAsync(api, a);
        var snap = Assert.Single(listA);
        Assert.Equal(s1, (string?)snap["id"]);
        Assert.Equal("ready", (string?)snap["status"]);
        Assert.Equal("s1", (string?)snap["label"]);
        Assert.Equal(64, ((string?)snap["sha256"])!.Length);
        Assert.True((long)snap["sizeBytes"]! > 0);
        Assert.Equal(s1, (await File.ReadAllTextAsync(Path.Combine(Folder(a), "quiesced.txt"))).Trim());
        await File.WriteAllTextAsync(Path.Combine(Folder(a), "data.txt"), "A moved on");

        var created = await api.PostAsync("/api/workspaces", $$"""{"name":"ws-b","template":"snapbranch","fromSnapshot":"{{s1}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string b = created.Json["id"]!.GetValue<string>();
        await api.WaitForStatusAsync(b, "running", TimeSpan.FromSeconds(45));
        Assert.Equal("from A", await File.ReadAllTextAsync(Path.Combine(Folder(b), "data.txt")));
        Assert.Equal(s1, (await File.ReadAllTextAsync(Path.Combine(Folder(b), "quiesced.txt"))).Trim());
        Assert.Single(AgentProcesses.Under(_host.DataDirectory, b));

        string b1 = await SnapshotAsync(api, b, "b1");
        var listB = await ItemsAsync(api, b);
        Assert.Equal(s1, (string?)listB.Single(i => (string?)i["id"] == b1)["parentId"]);
        var ancestor = listB.Single(i => (string?)i["id"] == s1);
        Assert.Equal(a, (string?)ancestor["workspaceId"]);
        Assert.Equal("from A", await File.ReadAllTextAsync(Path.Combine(Folder(b), "data.txt")));
    }

    [Fact]
    public async Task Restore_InPlace_TakesSafetySnapshotRestoresContentAndRestartsTheAgent()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("snaprestore"));
        string id = await api.CreateWorkspaceAsync("ws-r", "snaprestore");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(45));
        await File.WriteAllTextAsync(Path.Combine(Folder(id), "notes.txt"), "version 1");
        string s1 = await SnapshotAsync(api, id, null);
        await File.WriteAllTextAsync(Path.Combine(Folder(id), "notes.txt"), "version 2");
        await File.WriteAllTextAsync(Path.Combine(Folder(id), "extra.txt"), "added later");
        int pidBefore = Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid;

        var bad = await api.PostAsync($"/api/workspaces/{id}/restore", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.NotNull(bad.Json["errors"]!["snapshotId"]);
        var unknown = await api.PostAsync("/api/workspaces", """{"name":"ws-x","template":"snaprestore","fromSnapshot":"sn-nope-12345678"}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.NotNull(unknown.Json["errors"]!["fromSnapshot"]);

        var accepted = await api.PostAsync($"/api/workspaces/{id}/restore", $$"""{"snapshotId":"{{s1}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal("restore", (string?)accepted.Json["operation"]!["kind"]);
        await WaitForOperationAsync(api, accepted.Json["operation"]!["statusUrl"]!.GetValue<string>(), "succeeded");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(45));

        Assert.Equal("version 1", await File.ReadAllTextAsync(Path.Combine(Folder(id), "notes.txt")));
        Assert.False(File.Exists(Path.Combine(Folder(id), "extra.txt")));
        int pidAfter = Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid;
        Assert.NotEqual(pidBefore, pidAfter);
        var safety = (await ItemsAsync(api, id)).Single(i => (string?)i["trigger"] == "pre-restore");
        Assert.Equal("ready", (string?)safety["status"]);
        Assert.Equal(s1, (string?)safety["parentId"]);

        // Deleting the parent while its child exists: the child takes its parent's place and still restores.
        string safetyId = (string)safety["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/workspaces/{id}/snapshots/{s1}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/workspaces/{id}/snapshots/{s1}")).Status);
        var remaining = await ItemsAsync(api, id);
        Assert.DoesNotContain(remaining, i => (string?)i["id"] == s1);
        Assert.Null(remaining.Single(i => (string?)i["id"] == safetyId)["parentId"]);
        var again = await api.PostAsync($"/api/workspaces/{id}/restore", $$"""{"snapshotId":"{{safetyId}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        await WaitForOperationAsync(api, again.Json["operation"]!["statusUrl"]!.GetValue<string>(), "succeeded");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(45));
        Assert.Equal("version 2", await File.ReadAllTextAsync(Path.Combine(Folder(id), "notes.txt")));
        Assert.Equal("added later", await File.ReadAllTextAsync(Path.Combine(Folder(id), "extra.txt")));
    }

    static async Task<string> SnapshotAsync(CoderApi api, string workspaceId, string? label)
    {
        var r = await api.PostAsync($"/api/workspaces/{workspaceId}/snapshots", label is null ? "" : $$"""{"label":"{{label}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        string snapshotId = r.Json["snapshotId"]!.GetValue<string>();
        await WaitForOperationAsync(api, r.Json["operation"]!["statusUrl"]!.GetValue<string>(), "succeeded");
        return snapshotId;
    }

    static async Task WaitForOperationAsync(CoderApi api, string statusUrl, string status)
    {
        var op = await Eventually.WaitAsync(() => api.GetAsync(statusUrl), o => (string?)o.Json["status"] is "succeeded" or "failed", TimeSpan.FromSeconds(60), $"operation {statusUrl}");
        Assert.True((string?)op.Json["status"] == status, $"the operation ended as {op.Json.ToJsonString()}");
    }

    static async Task<List<JsonNode>> ItemsAsync(CoderApi api, string workspaceId)
    {
        var r = await api.GetAsync($"/api/workspaces/{workspaceId}/snapshots");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        return [.. r.Json["items"]!.AsArray().Select(i => i!)];
    }
}
