using System.Text;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Coder.Orchestrations.Tests.Security;

namespace Coder.Orchestrations.Tests.Snapshots;

/// <summary>The content-addressed snapshot store against real Blob storage (Azurite) and real files.</summary>
[Collection(StorageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ChunkedBlobSnapshotStoreTests(TestStorage storage)
{
    [Fact]
    public async Task RestoreAsync_AfterChangesDeletesAndAdds_TreeIsByteIdenticalToSnapshot()
    {
        var (store, _, _) = SnapshotStoreFactory.Create(storage);
        string root = SnapshotStoreFactory.NewFolder("ws");
        try
        {
            BuildTwoThousandFileTree(root);
            Directory.CreateDirectory(Path.Combine(root, ".coder-agent"));
            await File.WriteAllTextAsync(Path.Combine(root, ".coder-agent", "state"), "agent state");
            var before = TreeDigest.Of(root, ".coder-agent");
            Assert.True(before.Count(l => l.StartsWith("F ", StringComparison.Ordinal)) >= 2000);

            var capture = await store.CaptureAsync(root, "sn-roundtrip-1", null, CancellationToken.None);
            Assert.Equal(64, capture.Sha256.Length);
            Assert.True(capture.SizeBytes > 50L * 1024 * 1024);

            // Change, delete, add, chmod and relink, then restore.
            await File.WriteAllTextAsync(Path.Combine(root, "d03", "s1", "f0010.txt"), "changed");
            File.Delete(Path.Combine(root, "d05", "s0", "f0002.txt"));
            Directory.Delete(Path.Combine(root, "d07"), recursive: true);
            await File.WriteAllTextAsync(Path.Combine(root, "added.txt"), "new");
            File.SetUnixFileMode(Path.Combine(root, "bin", "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Delete(Path.Combine(root, "link-to-readme"));
            File.CreateSymbolicLink(Path.Combine(root, "link-to-readme"), "elsewhere");
            await using (var big = new FileStream(Path.Combine(root, "data", "big.bin"), FileMode.Open)) { big.Position = 30_000_000; big.WriteByte(0x42); }
            await File.WriteAllTextAsync(Path.Combine(root, ".coder-agent", "state"), "agent state after");
            Assert.NotEqual(before, TreeDigest.Of(root, ".coder-agent"));

            await store.RestoreAsync(root, "sn-roundtrip-1", capture.Sha256, CancellationToken.None);

            var after = TreeDigest.Of(root, ".coder-agent");
            Assert.Equal(before.Count, after.Count);
            Assert.Equal(before, after);
            Assert.Equal("agent state after", await File.ReadAllTextAsync(Path.Combine(root, ".coder-agent", "state")));
            Assert.Equal([root], Directory.GetDirectories(Path.GetDirectoryName(root)!));
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task CaptureAsync_SecondSnapshotAfterOneMiBChange_UploadsUnderTwoPercentOfTheFirst()
    {
        var (store, _, counter) = SnapshotStoreFactory.Create(storage);
        string root = SnapshotStoreFactory.NewFolder("ws");
        try
        {
            // 200 MiB of incompressible data in 200 files of 1 MiB: the worst case for the first snapshot's size.
            for (int d = 0; d < 10; d++)
            {
                Directory.CreateDirectory(Path.Combine(root, $"d{d}"));
                for (int f = 0; f < 20; f++) await File.WriteAllBytesAsync(Path.Combine(root, $"d{d}", $"f{f}.bin"), SnapshotStoreFactory.RandomBytes(d * 100 + f, 1024 * 1024));
            }

            var first = await store.CaptureAsync(root, "sn-incr-1", null, CancellationToken.None);
            long firstBytes = counter.Bytes;
            Assert.True(firstBytes >= 200L * 1024 * 1024, $"the first snapshot wrote only {firstBytes} bytes");
            Assert.Equal(200L * 1024 * 1024, first.SizeBytes);

            await File.WriteAllBytesAsync(Path.Combine(root, "d4", "f7.bin"), SnapshotStoreFactory.RandomBytes(999_999, 1024 * 1024));
            counter.Reset();
            var second = await store.CaptureAsync(root, "sn-incr-2", "sn-incr-1", CancellationToken.None);
            long secondBytes = counter.Bytes;

            Assert.True(secondBytes < firstBytes * 2 / 100, $"the second snapshot wrote {secondBytes} bytes, the first {firstBytes}");
            Assert.True(secondBytes >= 1024 * 1024, "the changed MiB must have been uploaded");
            Assert.InRange(second.UploadedBytes, secondBytes - 200, secondBytes); // the wire also carries the capture marker
            Assert.NotEqual(first.Sha256, second.Sha256);
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task RestoreAsync_OneFlippedByteInAStoredChunk_FailsWithReasonAndLeavesContentUnchanged()
    {
        var (store, blobs, _) = SnapshotStoreFactory.Create(storage);
        string root = SnapshotStoreFactory.NewFolder("ws");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "big.bin"), SnapshotStoreFactory.RandomBytes(7, 3 * 1024 * 1024));
            for (int i = 0; i < 10; i++) await File.WriteAllTextAsync(Path.Combine(root, $"note{i}.txt"), $"note {i}");
            var capture = await store.CaptureAsync(root, "sn-corrupt-1", null, CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(root, "note3.txt"), "edited after the snapshot");
            var before = TreeDigest.Of(root);

            var manifest = await store.TryReadManifestAsync("sn-corrupt-1", capture.Sha256, CancellationToken.None);
            var victim = manifest!.Entries.Single(e => e.Path == "big.bin").Chunks![1];
            var blob = blobs.Chunk(victim.Hash);
            byte[] stored = (await blob.DownloadContentAsync()).Value.Content.ToArray();
            stored[stored.Length / 2] ^= 0x01;
            await blob.UploadAsync(new BinaryData(stored), overwrite: true);

            var error = await Assert.ThrowsAsync<SnapshotCorruptException>(() => store.RestoreAsync(root, "sn-corrupt-1", capture.Sha256, CancellationToken.None));
            Assert.Contains(victim.Hash, error.Message);
            Assert.Contains("does not match its SHA-256", error.Message);
            Assert.Contains("big.bin", error.Message);
            Assert.Equal(before, TreeDigest.Of(root));
            Assert.Equal([root], Directory.GetDirectories(Path.GetDirectoryName(root)!));
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task CaptureAsync_SameIdTwice_ReturnsTheSameCaptureAndUploadsNothing()
    {
        var (store, _, counter) = SnapshotStoreFactory.Create(storage);
        string root = SnapshotStoreFactory.NewFolder("ws");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "a.txt"), "alpha");
            var first = await store.CaptureAsync(root, "sn-same", null, CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(root, "a.txt"), "changed after");
            counter.Reset();
            var again = await store.CaptureAsync(root, "sn-same", null, CancellationToken.None);
            Assert.Equal(first.Sha256, again.Sha256);
            Assert.Equal(first.Location, again.Location);
            Assert.Equal(0, counter.Puts);
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task CaptureAsync_ParentHasTheFileUnchanged_ReusesItsChunksAndStillSeesEditsBehindAKeptMtime()
    {
        // The store's clock runs a minute ahead, so every file looks untouched since well before the parent's capture.
        var (store, _, counter) = SnapshotStoreFactory.Create(storage, time: new ManualTime(DateTimeOffset.UtcNow.AddMinutes(1)));
        string root = SnapshotStoreFactory.NewFolder("ws");
        string restored = Path.Combine(Path.GetDirectoryName(root)!, "restored");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "kept.bin"), SnapshotStoreFactory.RandomBytes(1, 3 * 1024 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(root, "edited.bin"), SnapshotStoreFactory.RandomBytes(2, 1024 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(root, "empty"), []);
            var first = await store.CaptureAsync(root, "sn-reuse-1", null, CancellationToken.None);

            // Same size, same mtime, new content: only the change time tells, as after a tool that keeps mtimes.
            string edited = Path.Combine(root, "edited.bin");
            var mtime = File.GetLastWriteTimeUtc(edited);
            await File.WriteAllBytesAsync(edited, SnapshotStoreFactory.RandomBytes(3, 1024 * 1024));
            File.SetLastWriteTimeUtc(edited, mtime);
            counter.Reset();
            var second = await store.CaptureAsync(root, "sn-reuse-2", "sn-reuse-1", CancellationToken.None);

            var parent = (await store.TryReadManifestAsync("sn-reuse-1", first.Sha256, CancellationToken.None))!.Entries.ToDictionary(e => e.Path);
            var child = (await store.TryReadManifestAsync("sn-reuse-2", second.Sha256, CancellationToken.None))!.Entries.ToDictionary(e => e.Path);
            Assert.NotNull(child["kept.bin"].Identity);
            Assert.Equal(parent["kept.bin"].Identity, child["kept.bin"].Identity);
            Assert.Equal(parent["kept.bin"].Chunks!, child["kept.bin"].Chunks!);
            Assert.NotEqual(parent["edited.bin"].Chunks!, child["edited.bin"].Chunks!);
            Assert.InRange(counter.Bytes, 1024 * 1024, 1024 * 1024 + 64 * 1024);

            await store.RestoreAsync(restored, "sn-reuse-2", second.Sha256, CancellationToken.None);
            Assert.Equal(TreeDigest.Of(root), TreeDigest.Of(restored));
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task CaptureAsync_IdentityMatchesTheParent_TakesTheParentsChunkListWithoutReadingTheFile()
    {
        var (store, blobs, _) = SnapshotStoreFactory.Create(storage, time: new ManualTime(DateTimeOffset.UtcNow.AddMinutes(1)));
        string root = SnapshotStoreFactory.NewFolder("ws");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "a.bin"), SnapshotStoreFactory.RandomBytes(11, 1024 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(root, "b.bin"), SnapshotStoreFactory.RandomBytes(12, 1024 * 1024));
            var first = await store.CaptureAsync(root, "sn-vouch-1", null, CancellationToken.None);

            // A staged parent whose a.bin names b.bin's chunks under a.bin's true identity: only a capture that trusts the
            // identity and does not read a.bin carries b.bin's chunks into the child.
            var real = (await store.TryReadManifestAsync("sn-vouch-1", first.Sha256, CancellationToken.None))!;
            var b = real.Entries.Single(e => e.Path == "b.bin");
            var staged = real with
            {
                SnapshotId = "sn-vouch-staged",
                Entries = [.. real.Entries.Select(e => e.Path == "a.bin" ? e with { Chunks = b.Chunks } : e)],
            };
            await SnapshotStoreFactory.WriteManifestAsync(blobs, staged);
            await store.CaptureAsync(root, "sn-vouch-2", "sn-vouch-staged", CancellationToken.None);

            var child = (await store.TryReadManifestAsync("sn-vouch-2", null, CancellationToken.None))!.Entries.ToDictionary(e => e.Path);
            Assert.Equal(b.Chunks!, child["a.bin"].Chunks!);
            Assert.Equal(b.Chunks!, child["b.bin"].Chunks!);
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task CaptureAsync_ParentInFormatOne_ReadsEveryFileAndRestoresIt()
    {
        var (store, blobs, _) = SnapshotStoreFactory.Create(storage, time: new ManualTime(DateTimeOffset.UtcNow.AddMinutes(1)));
        string root = SnapshotStoreFactory.NewFolder("ws");
        string restored = Path.Combine(Path.GetDirectoryName(root)!, "restored");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "a.bin"), SnapshotStoreFactory.RandomBytes(21, 1024 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(root, "b.bin"), SnapshotStoreFactory.RandomBytes(22, 1024 * 1024));
            var first = await store.CaptureAsync(root, "sn-v1-source", null, CancellationToken.None);

            // A manifest as format 1 wrote it: no identities, no start time, and here a wrong chunk list for a.bin.
            var real = (await store.TryReadManifestAsync("sn-v1-source", first.Sha256, CancellationToken.None))!;
            var b = real.Entries.Single(e => e.Path == "b.bin");
            var old = real with
            {
                FormatVersion = 1,
                SnapshotId = "sn-v1",
                StartedAt = null,
                Entries = [.. real.Entries.Select(e => e with { Identity = null, Chunks = e.Path == "a.bin" ? b.Chunks : e.Chunks })],
            };
            await SnapshotStoreFactory.WriteManifestAsync(blobs, old);
            var second = await store.CaptureAsync(root, "sn-v1-child", "sn-v1", CancellationToken.None);

            await store.RestoreAsync(restored, "sn-v1-child", second.Sha256, CancellationToken.None);
            Assert.Equal(TreeDigest.Of(root), TreeDigest.Of(restored));
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task CaptureAsync_ChangedFilesCutAtTheParentsBoundaries_GiveTheSameChunksAsAFreshCapture()
    {
        var (store, _, _) = SnapshotStoreFactory.Create(storage);
        var (fresh, _, _) = SnapshotStoreFactory.Create(storage);
        string root = SnapshotStoreFactory.NewFolder("ws");
        string restored = Path.Combine(Path.GetDirectoryName(root)!, "restored");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "patched.bin"), SnapshotStoreFactory.RandomBytes(31, 6 * 1024 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(root, "grown.bin"), SnapshotStoreFactory.RandomBytes(32, 3 * 1024 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(root, "shrunk.bin"), SnapshotStoreFactory.RandomBytes(33, 3 * 1024 * 1024));
            await File.WriteAllTextAsync(Path.Combine(root, "notes.txt"), string.Concat(Enumerable.Range(0, 60_000).Select(i => $"line {i}\n")));
            await store.CaptureAsync(root, "sn-hint-1", null, CancellationToken.None);

            // An in-place patch, an append, a truncation and an insertion near the start: the boundaries shift or stay.
            await using (var patched = new FileStream(Path.Combine(root, "patched.bin"), FileMode.Open)) { patched.Position = 3_000_000; patched.Write(SnapshotStoreFactory.RandomBytes(34, 64 * 1024)); }
            await File.AppendAllTextAsync(Path.Combine(root, "grown.bin"), "appended");
            await using (var shrunk = new FileStream(Path.Combine(root, "shrunk.bin"), FileMode.Open)) shrunk.SetLength(2_000_000);
            await File.WriteAllTextAsync(Path.Combine(root, "notes.txt"), "inserted\n" + await File.ReadAllTextAsync(Path.Combine(root, "notes.txt")));
            var second = await store.CaptureAsync(root, "sn-hint-2", "sn-hint-1", CancellationToken.None);
            var alone = await fresh.CaptureAsync(root, "sn-hint-alone", null, CancellationToken.None);

            var hinted = (await store.TryReadManifestAsync("sn-hint-2", second.Sha256, CancellationToken.None))!.Entries;
            var plain = (await fresh.TryReadManifestAsync("sn-hint-alone", alone.Sha256, CancellationToken.None))!.Entries;
            Assert.Equal(plain.Select(e => (e.Path, string.Join(',', (e.Chunks ?? []).Select(c => $"{c.Hash}:{c.Length}")))), hinted.Select(e => (e.Path, string.Join(',', (e.Chunks ?? []).Select(c => $"{c.Hash}:{c.Length}")))));
            await store.RestoreAsync(restored, "sn-hint-2", second.Sha256, CancellationToken.None);
            Assert.Equal(TreeDigest.Of(root), TreeDigest.Of(restored));
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    [Fact]
    public async Task CaptureAsync_FilesTouchedJustBeforeTheParent_AreReadAgain()
    {
        // The real clock: the files were written within the reuse margin of the parent's capture, so the parent's
        // chunk lists cannot vouch for them, and an edit that keeps size and mtime is still captured.
        var (store, _, _) = SnapshotStoreFactory.Create(storage);
        string root = SnapshotStoreFactory.NewFolder("ws");
        string restored = Path.Combine(Path.GetDirectoryName(root)!, "restored");
        try
        {
            string file = Path.Combine(root, "recent.txt");
            await File.WriteAllTextAsync(file, "first version");
            await store.CaptureAsync(root, "sn-recent-1", null, CancellationToken.None);
            var mtime = File.GetLastWriteTimeUtc(file);
            await File.WriteAllTextAsync(file, "other version");
            File.SetLastWriteTimeUtc(file, mtime);
            var second = await store.CaptureAsync(root, "sn-recent-2", "sn-recent-1", CancellationToken.None);

            await store.RestoreAsync(restored, "sn-recent-2", second.Sha256, CancellationToken.None);
            Assert.Equal("other version", await File.ReadAllTextAsync(Path.Combine(restored, "recent.txt")));
        }
        finally
        {
            SnapshotStoreFactory.Delete(root);
        }
    }

    /// <summary>2,000+ files in nested folders: small text, empty files, an executable, symlinks, a read-only folder and a 50 MiB file.</summary>
    static void BuildTwoThousandFileTree(string root)
    {
        var text = new StringBuilder();
        for (int d = 0; d < 10; d++)
        {
            for (int s = 0; s < 4; s++)
            {
                string dir = Path.Combine(root, $"d{d:D2}", $"s{s}");
                Directory.CreateDirectory(dir);
                for (int f = 0; f < 50; f++)
                {
                    string path = Path.Combine(dir, $"f{f:D4}.txt");
                    if (f % 17 == 0)
                    {
                        File.WriteAllBytes(path, []);
                        continue;
                    }

                    text.Clear();
                    for (int line = 0; line < (f % 7) * 20 + 1; line++) text.Append("line ").Append(d).Append('.').Append(s).Append('.').Append(f).Append('.').Append(line).Append('\n');
                    File.WriteAllText(path, text.ToString());
                }
            }
        }

        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.WriteAllText(Path.Combine(root, "bin", "run.sh"), "#!/bin/sh\necho run\n");
        File.SetUnixFileMode(Path.Combine(root, "bin", "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        File.WriteAllText(Path.Combine(root, "README.md"), "# readme\n");
        File.CreateSymbolicLink(Path.Combine(root, "link-to-readme"), "README.md");
        File.CreateSymbolicLink(Path.Combine(root, "link-to-dir"), "d01/s2");
        File.CreateSymbolicLink(Path.Combine(root, "dangling"), "does/not/exist");
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        Directory.CreateDirectory(Path.Combine(root, "data"));
        File.WriteAllBytes(Path.Combine(root, "data", "big.bin"), SnapshotStoreFactory.RandomBytes(42, 50 * 1024 * 1024));
        string locked = Path.Combine(root, "locked");
        Directory.CreateDirectory(locked);
        File.WriteAllText(Path.Combine(locked, "inside.txt"), "inside a read-only folder");
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }
}
