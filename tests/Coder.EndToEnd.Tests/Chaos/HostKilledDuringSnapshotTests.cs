using Coder.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Chaos;

/// <summary>
/// The host is killed while a snapshot uploads and started again on the same storage and data folder: the snapshot
/// completes or is marked failed, and once the snapshot timer's garbage collection has run, every chunk in the store
/// is referenced by a ready snapshot's manifest (the chunks the killed upload left behind are gone).
/// </summary>
[ExpectedSeconds(130)]
public sealed class HostKilledDuringSnapshotTests(TestStorage storage, ITestOutputHelper output) : IClassFixture<TestStorage>, IAsyncLifetime
{
    const string CollectedLine = "Chunk garbage collection: ";

    readonly LocalHostProcess _host = new(storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
    {
        // The collector's summary line shows when the timer has collected.
        [$"Logging__LogLevel__{typeof(Coder.Orchestrations.Provisioning.Local.ChunkStore.ChunkGarbageCollector).FullName}"] = "Information",
    });

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HostKilledDuringSnapshotUpload_SnapshotEndsCleanly_AndGcLeavesNoOrphanChunks()
    {
        using var api = _host.Admin();
        var store = new SnapshotStoreProbe(storage.ConnectionString, _host.Prefix);
        string id = await SnapshotUnderway.CreateBulkyWorkspaceAsync(api, _host, "chaos-kill");
        string folder = Path.Combine(_host.DataDirectory, "workspaces", id);

        var snapshot = await SnapshotUnderway.StartAsync(api, id, store);
        await _host.KillAsync();
        var killedUpload = await store.ChunksAsync();

        // The user carries on while the host is down: the bulk is gone, so whatever the killed upload stored is referenced by nothing.
        foreach (string bulk in Directory.GetFiles(folder, "bulk-*.bin")) File.Delete(bulk);
        await File.WriteAllTextAsync(Path.Combine(folder, "after-kill.txt"), "kept");
        await _host.StartAsync();
        var restarted = System.Diagnostics.Stopwatch.StartNew();

        var row = await snapshot.WaitForCleanEndAsync(api, store, TimeSpan.FromSeconds(90));
        var snapshotEnded = restarted.Elapsed;

        // A collection that starts after the snapshot ended: the timer's next occurrence (every minute).
        int linesBefore = _host.Output.Split('\n').Length;
        await Eventually.WaitAsync(() => _host.Output.Split('\n').Skip(linesBefore).Any(l => l.Contains(CollectedLine, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(75), "the snapshot timer's chunk garbage collection to run after the snapshot ended");

        var chunks = await store.ChunksAsync();
        output.WriteLine($"killed with {killedUpload.Count} chunks stored; the snapshot ended {(string?)row["status"]} {snapshotEnded.TotalSeconds:0.0} s after the restart; the GC ran {restarted.Elapsed.TotalSeconds:0.0} s after it; after the GC {chunks.Count} chunks remain, none of the killed upload's");
        Assert.Empty(await OrphansAsync(store, api, id));
        Assert.Empty(killedUpload.Intersect(chunks, StringComparer.Ordinal));
        if ((string?)row["status"] == "ready") Assert.NotEmpty(chunks); // a ready snapshot's own chunks stay
    }

    /// <summary>Chunks in the store that no ready snapshot's manifest references.</summary>
    static async Task<List<string>> OrphansAsync(SnapshotStoreProbe store, CoderApi api, string workspaceId)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in (await api.GetAsync($"/api/workspaces/{workspaceId}/snapshots")).Json["items"]!.AsArray())
        {
            if ((string?)row!["status"] == "ready") referenced.UnionWith(await store.ReferencedChunksAsync((string)row["id"]!));
        }

        return [.. (await store.ChunksAsync()).Where(hash => !referenced.Contains(hash))];
    }
}
