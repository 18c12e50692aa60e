using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Upgrades;

/// <summary>In-place upgrades end to end on the local host: real agents, real files, the real durable engine.</summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class InPlaceUpgradeTests(TestStorage storage) : IAsyncLifetime
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task InPlaceUpgrade_RunsV2AfterStopThenStart_AndRotatesTheAgentToken()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("inplace", "echo v1 > v1.txt", heartbeatSeconds: 2));
        string id = await api.CreateWorkspaceAsync("dev", "inplace");
        await api.WaitForReadyAsync(id, Deadline);
        string oldToken = UpgradeKit.AgentToken(_host.DataDirectory, id);
        Assert.Equal(HttpStatusCode.OK, await UpgradeKit.ManifestStatusAsync(_host.BaseUrl, oldToken));

        int v2 = await api.AddActiveVersionAsync("inplace", UpgradeKit.Version("echo v2 > v2.txt"));
        var before = (await api.GetAsync($"/api/workspaces/{id}")).Json;
        Assert.Equal(1, (int)before["templateVersion"]!);
        Assert.True((bool)before["outdated"]!, "a newer active version makes the workspace outdated");

        var accepted = await api.PostAsync($"/api/workspaces/{id}/upgrade", """{"strategy":"in-place"}""");
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.ToString());
        Assert.Equal("upgrade", (string?)accepted.Json["operation"]!["kind"]);
        var op = await api.WaitForOperationAsync((string)accepted.Json["operation"]!["statusUrl"]!, Deadline);
        Assert.Equal("succeeded", (string?)op["status"]);

        var after = await api.WaitForReadyAsync(id, Deadline);
        Assert.Equal(v2, (int)after["templateVersion"]!);
        Assert.False((bool)after["outdated"]!);
        string folder = Path.Combine(_host.DataDirectory, "workspaces", id);
        Assert.Equal("v2", (await File.ReadAllTextAsync(Path.Combine(folder, "v2.txt"))).Trim());

        // Newest first: the start comes after the stop, and the upgrade ends after both.
        var kinds = await api.EventKindsAsync(id);
        int stopping = kinds.IndexOf("upgrade.stopping"), starting = kinds.IndexOf("upgrade.starting"), succeeded = kinds.IndexOf("upgrade.succeeded");
        Assert.True(stopping >= 0 && starting >= 0 && succeeded >= 0, string.Join(", ", kinds));
        Assert.True(succeeded < starting && starting < stopping, "expected stop, then start, then succeeded: " + string.Join(", ", kinds));

        string newToken = UpgradeKit.AgentToken(_host.DataDirectory, id);
        Assert.NotEqual(oldToken, newToken);
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeKit.ManifestStatusAsync(_host.BaseUrl, oldToken));
        Assert.Equal(HttpStatusCode.OK, await UpgradeKit.ManifestStatusAsync(_host.BaseUrl, newToken));

        // The same version again is a conflict and changes nothing.
        var again = await api.PostAsync($"/api/workspaces/{id}/upgrade", $$"""{"version":{{v2}},"strategy":"in-place"}""");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
    }

    [Fact]
    public async Task FailedUpgrade_EndsRunningTheOldVersion_WithFilesFromTheRestorePoint()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("failing", "echo v1 > v1.txt", heartbeatSeconds: 2));
        string id = await api.CreateWorkspaceAsync("dev", "failing");
        await api.WaitForReadyAsync(id, Deadline);
        int v2 = await api.AddActiveVersionAsync("failing", UpgradeKit.Version("echo v2 > v2.txt"));
        var first = await api.PostAsync($"/api/workspaces/{id}/upgrade", """{"strategy":"in-place"}""");
        Assert.Equal("succeeded", (string?)(await api.WaitForOperationAsync((string)first.Json["operation"]!["statusUrl"]!, Deadline))["status"]);
        await api.WaitForReadyAsync(id, Deadline);

        // The user's work on v2, which v3's broken script overwrites before it fails.
        string folder = Path.Combine(_host.DataDirectory, "workspaces", id);
        await File.WriteAllTextAsync(Path.Combine(folder, "work.txt"), "my work on v2");
        int v3 = await api.AddActiveVersionAsync("failing", UpgradeKit.Version("echo clobbered > work.txt; exit 3"));

        var accepted = await api.PostAsync($"/api/workspaces/{id}/upgrade", $$"""{"version":{{v3}},"strategy":"in-place"}""");
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.ToString());
        var op = await api.WaitForOperationAsync((string)accepted.Json["operation"]!["statusUrl"]!, Deadline);
        Assert.Equal("failed", (string?)op["status"]);
        Assert.Contains("rolled back to v2", (string?)op["error"]);

        var after = await api.WaitForReadyAsync(id, Deadline);
        Assert.Equal(v2, (int)after["templateVersion"]!);
        Assert.True((bool)after["outdated"]!);
        Assert.Equal("my work on v2", (await File.ReadAllTextAsync(Path.Combine(folder, "work.txt"))).Trim());

        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["kind"] == "upgrade.rolling-back" && (string?)e["reason"] == "agent_start_error");
        Assert.Contains(events, e => (string?)e!["kind"] == "upgrade.restored");
        Assert.Contains(events, e => (string?)e!["kind"] == "upgrade.failed" && (string?)e["reason"] == "agent_start_error");
    }
}
