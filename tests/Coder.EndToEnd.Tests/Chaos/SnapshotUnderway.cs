using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Chaos;

/// <summary>A snapshot caught in its upload: started through the API, and known to be uploading (chunks stored, no manifest yet).</summary>
public sealed record SnapshotUnderway(string WorkspaceId, string SnapshotId, string StatusUrl, int ChunksStored)
{
    /// <summary>Workspace data big and random enough that its upload is still running when the test interrupts it.</summary>
    public const int BulkFiles = 24, BulkMegabytesEach = 8;

    /// <summary>A running workspace of a template of its own, its folder filled with the bulk; returns its id.</summary>
    public static async Task<string> CreateBulkyWorkspaceAsync(CoderApi api, LocalHostProcess host, string template)
    {
        await api.CreateTemplateAsync(Templates.Local(template));
        string id = await api.CreateWorkspaceAsync("chaos", template);
        await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(60));
        await SnapshotStoreProbe.WriteRandomFilesAsync(Path.Combine(host.DataDirectory, "workspaces", id), BulkFiles, BulkMegabytesEach);
        return id;
    }

    public static async Task<SnapshotUnderway> StartAsync(CoderApi api, string workspaceId, SnapshotStoreProbe store)
    {
        var accepted = await api.PostAsync($"/api/workspaces/{workspaceId}/snapshots", """{"label":"chaos"}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        string snapshotId = accepted.Json["snapshotId"]!.GetValue<string>();
        string statusUrl = accepted.Json["operation"]!["statusUrl"]!.GetValue<string>();
        var uploading = await Eventually.WaitAsync(
            async () => (Operation: (string?)(await api.GetAsync(statusUrl)).Json["status"], Chunks: (await store.ChunksAsync()).Count, Manifest: (await store.ManifestsAsync()).Contains(snapshotId)),
            s => s.Operation == "running" && s.Chunks > 0 && !s.Manifest, TimeSpan.FromSeconds(60), $"snapshot {snapshotId} to be uploading");
        return new SnapshotUnderway(workspaceId, snapshotId, statusUrl, uploading.Chunks);
    }

    /// <summary>
    /// Waits for the operation to end, then checks it ended cleanly: one snapshot row, ready with its manifest or failed
    /// without one, no capture marker left, one started and one ending entry on the timeline, and the workspace running
    /// with its slot released. Returns the row.
    /// </summary>
    public async Task<JsonNode> WaitForCleanEndAsync(CoderApi api, SnapshotStoreProbe store, TimeSpan timeout)
    {
        var operation = await Eventually.WaitAsync(() => api.GetAsync(StatusUrl), o => (string?)o.Json["status"] is "succeeded" or "failed", timeout, $"the snapshot operation {StatusUrl} to end");
        await api.WaitForSettledAsync(WorkspaceId, "running", TimeSpan.FromSeconds(30));
        var rows = (await api.GetAsync($"/api/workspaces/{WorkspaceId}/snapshots")).Json["items"]!.AsArray().Where(i => (string?)i!["workspaceId"] == WorkspaceId).ToList();
        var row = Assert.Single(rows)!;
        Assert.Equal(SnapshotId, (string?)row["id"]);
        bool ready = (string?)operation.Json["status"] == "succeeded";
        Assert.Equal(ready ? "ready" : "failed", (string?)row["status"]);
        Assert.Equal(ready, (await store.ManifestsAsync()).Contains(SnapshotId));

        // A capture marker left behind would make every garbage collection stand down for an hour (a crashed capture's span).
        Assert.DoesNotContain(SnapshotId, await store.ListAsync(Coder.Orchestrations.Provisioning.Local.ChunkStore.SnapshotBlobs.CaptureMarkerPrefix));

        var kinds = (await api.GetAsync($"/api/workspaces/{WorkspaceId}/events?max=1000")).Json["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Equal(1, kinds.Count(k => k == "snapshot.started"));
        Assert.Equal(1, kinds.Count(k => k is "snapshot.succeeded" or "snapshot.failed"));
        Assert.Equal(1, kinds.Count(k => k == "agent.ready"));
        return row;
    }
}
