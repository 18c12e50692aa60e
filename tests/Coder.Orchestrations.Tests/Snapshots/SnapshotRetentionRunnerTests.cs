using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.Snapshots;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Snapshots;

/// <summary>Retention and garbage collection against real tables and blobs (Azurite), counting blobs before and after.</summary>
[Collection(StorageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SnapshotRetentionRunnerTests(TestStorage storage)
{
    [Fact]
    public async Task RunAsync_KeepLastThree_DeletesOldKeepsBranchAncestorsAndFreesUnreferencedChunks()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var (store, blobs, _) = SnapshotStoreFactory.Create(storage);
        var options = Options.Create(new SnapshotStoreOptions());
        var collector = new ChunkGarbageCollector(blobs, store, options, TimeProvider.System, NullLogger<ChunkGarbageCollector>.Instance);
        var workspaces = new WorkspaceStore(tables);
        var templates = new TemplateStore(tables, TimeProvider.System);
        var table = new SnapshotTable(tables);
        // The local provisioner deletes from the chunk store; aci is not configured here.
        string data = SnapshotStoreFactory.NewFolder("data");
        var local = new LocalProcessProvisioner(Options.Create(new LocalProvisionerOptions { DataDirectory = data }), TimeProvider.System, NullLogger<LocalProcessProvisioner>.Instance, store);
        var runner = new SnapshotRetentionRunner(table, workspaces, templates, new ProvisionerRegistry([local]), collector, new SnapshotDeleter(table), TimeProvider.System, NullLogger<SnapshotRetentionRunner>.Instance);
        await templates.CreateAsync(new TemplateSpec { Name = "keep3", Provisioner = "local", Snapshots = new SnapshotPolicy(60, 3, null) }, "test", CancellationToken.None);

        var a = await CreateWorkspaceAsync(workspaces, "a");
        string root = SnapshotStoreFactory.NewFolder("a");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "shared.bin"), SnapshotStoreFactory.RandomBytes(1, 300_000));
            var ids = new List<string>();
            var chunksOf = new Dictionary<string, HashSet<string>>();
            string? parent = null;
            var start = DateTimeOffset.UtcNow.AddHours(-10);
            for (int i = 0; i < 6; i++)
            {
                // Each snapshot has its own state.bin, so each owns chunks no other snapshot references.
                await File.WriteAllBytesAsync(Path.Combine(root, "state.bin"), SnapshotStoreFactory.RandomBytes(100 + i, 200_000));
                string id = SnapshotIds.New(a.RowKey);
                var capture = await store.CaptureAsync(root, id, parent, CancellationToken.None);
                await table.CreateAsync(Ready(a, id, parent, capture.Sha256, start.AddMinutes(i)), CancellationToken.None);
                var manifest = await store.TryReadManifestAsync(id, capture.Sha256, CancellationToken.None);
                chunksOf[id] = manifest!.Entries.Single(e => e.Path == "state.bin").Chunks!.Select(c => c.Hash).ToHashSet();
                ids.Add(id);
                parent = id;
            }

            // Workspace b branched from the second snapshot and is live.
            var b = await CreateWorkspaceAsync(workspaces, "b", source: ids[1]);

            // Workspace c's provisioner is not configured on this control plane: its expired snapshot is kept, row and all,
            // rather than its row deleted with the share snapshot left behind.
            var c = await CreateWorkspaceAsync(workspaces, "c", provisioner: "aci");
            var cIds = Enumerable.Range(0, 4).Select(_ => SnapshotIds.New(c.RowKey)).ToList();
            for (int i = 0; i < cIds.Count; i++) await table.CreateAsync(Ready(c, cIds[i], i == 0 ? null : cIds[i - 1], "", start.AddMinutes(i)), CancellationToken.None);
            int chunksBefore = SnapshotStoreFactory.BlobCount(blobs, SnapshotBlobs.ChunkPrefix);
            int manifestsBefore = SnapshotStoreFactory.BlobCount(blobs, SnapshotBlobs.ManifestPrefix);

            var result = await runner.RunAsync(CancellationToken.None);

            Assert.Equal([ids[2]], result.Deleted);
            Assert.Equal("source of a live branch", result.Plan.Kept[ids[1]]);
            Assert.StartsWith("ancestor of", result.Plan.Kept[ids[0]]);
            Assert.Null(result.Collection.SkippedReason);
            Assert.Equal(chunksOf[ids[2]].Count, result.Collection.DeletedChunks);
            Assert.Equal(chunksBefore - chunksOf[ids[2]].Count, SnapshotStoreFactory.BlobCount(blobs, SnapshotBlobs.ChunkPrefix));
            Assert.Equal(manifestsBefore - 1, SnapshotStoreFactory.BlobCount(blobs, SnapshotBlobs.ManifestPrefix));
            foreach (string hash in chunksOf[ids[2]]) Assert.False((await blobs.Chunk(hash).ExistsAsync()).Value);
            Assert.Null(await table.GetAsync(a.RowKey, ids[2], CancellationToken.None));
            Assert.Equal(ids[1], (await table.GetAsync(a.RowKey, ids[3], CancellationToken.None))!.ParentId);

            // Everything kept still restores, verified chunk by chunk.
            string check = SnapshotStoreFactory.NewFolder("check");
            try
            {
                await store.RestoreAsync(check, ids[0], null, CancellationToken.None);
                Assert.Equal(SnapshotStoreFactory.RandomBytes(100, 200_000), await File.ReadAllBytesAsync(Path.Combine(check, "state.bin")));
            }
            finally
            {
                SnapshotStoreFactory.Delete(check);
            }

            Assert.Equal(b.RowKey, (await workspaces.FindAsync(b.RowKey, CancellationToken.None))!.RowKey);
            Assert.DoesNotContain(cIds[0], result.Plan.Kept.Keys);
            Assert.NotNull(await table.GetAsync(c.RowKey, cIds[0], CancellationToken.None));
            Assert.Equal(cIds[0], (await table.GetAsync(c.RowKey, cIds[1], CancellationToken.None))!.ParentId);
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
            SnapshotStoreFactory.Delete(data);
        }
    }

    [Fact]
    public async Task CollectAsync_WhileACaptureIsInProgress_StandsDownAndDeletesNothing()
    {
        var (store, blobs, _) = SnapshotStoreFactory.Create(storage);
        var collector = new ChunkGarbageCollector(blobs, store, Options.Create(new SnapshotStoreOptions()), TimeProvider.System, NullLogger<ChunkGarbageCollector>.Instance);
        string root = SnapshotStoreFactory.NewFolder("gc");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "x.bin"), SnapshotStoreFactory.RandomBytes(5, 100_000));
            await store.CaptureAsync(root, "sn-gc-1", null, CancellationToken.None);
            await store.DeleteAsync("sn-gc-1", CancellationToken.None);
            int before = SnapshotStoreFactory.BlobCount(blobs, SnapshotBlobs.ChunkPrefix);
            Assert.True(before > 0);

            // A capture that has written its marker but not yet its manifest.
            await blobs.Blob(SnapshotBlobs.CaptureMarkerPrefix + "sn-gc-2").UploadAsync(BinaryData.FromString("now"));
            var skipped = await collector.CollectAsync(CancellationToken.None);
            Assert.Contains("sn-gc-2", skipped.SkippedReason);
            Assert.Equal(before, SnapshotStoreFactory.BlobCount(blobs, SnapshotBlobs.ChunkPrefix));

            // And a capture that starts while a collection runs waits for it.
            await blobs.Blob(SnapshotBlobs.CollectorMarker).UploadAsync(BinaryData.FromString("now"));
            await Assert.ThrowsAsync<SnapshotStoreBusyException>(() => store.CaptureAsync(root, "sn-gc-3", null, CancellationToken.None));
            await blobs.Blob(SnapshotBlobs.CollectorMarker).DeleteAsync();

            await blobs.Blob(SnapshotBlobs.CaptureMarkerPrefix + "sn-gc-2").DeleteAsync();
            var collected = await collector.CollectAsync(CancellationToken.None);
            Assert.Equal(before, collected.DeletedChunks);
            Assert.Equal(0, SnapshotStoreFactory.BlobCount(blobs, SnapshotBlobs.ChunkPrefix));
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    static SnapshotEntity Ready(WorkspaceEntity w, string id, string? parent, string sha, DateTimeOffset at) => new()
    {
        PartitionKey = w.RowKey,
        RowKey = id,
        Owner = w.PartitionKey,
        ParentId = parent,
        Status = "ready",
        Sha256 = sha,
        Location = SnapshotBlobs.ManifestLocation(id),
        CreatedAt = at,
    };

    static async Task<WorkspaceEntity> CreateWorkspaceAsync(WorkspaceStore store, string name, string? source = null, string provisioner = "local")
    {
        var w = new WorkspaceEntity
        {
            PartitionKey = "alice",
            RowKey = Ids.NewWorkspaceId(),
            Name = name,
            Template = "keep3",
            TemplateVersion = 1,
            Cpu = 1,
            MemoryMiB = 512,
            Status = "running",
            SourceSnapshot = source,
            Provisioner = provisioner,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await store.CreateAsync(w, CancellationToken.None);
        return w;
    }
}
