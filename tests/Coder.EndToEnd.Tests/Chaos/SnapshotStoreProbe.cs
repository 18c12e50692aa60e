using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.EndToEnd.Tests.Chaos;

/// <summary>Reads a host's snapshot container straight from Blob: which chunks and manifests exist, and which chunks a manifest references.</summary>
public sealed class SnapshotStoreProbe(string connectionString, string prefix)
{
    readonly BlobContainerClient _container = new(connectionString, SnapshotBlobs.ContainerName(prefix));

    /// <summary>Blob names under <paramref name="blobPrefix"/>, without it; none when the container does not exist yet.</summary>
    public async Task<List<string>> ListAsync(string blobPrefix)
    {
        var names = new List<string>();
        if (!await _container.ExistsAsync()) return names;
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, blobPrefix, CancellationToken.None)) names.Add(blob.Name[blobPrefix.Length..]);
        return names;
    }

    public Task<List<string>> ChunksAsync() => ListAsync(SnapshotBlobs.ChunkPrefix);

    public Task<List<string>> ManifestsAsync() => ListAsync(SnapshotBlobs.ManifestPrefix);

    /// <summary>The chunk hashes the snapshot's manifest lists, read and verified the way the store reads it.</summary>
    public async Task<HashSet<string>> ReferencedChunksAsync(string snapshotId)
    {
        var store = new ChunkedBlobSnapshotStore(new SnapshotBlobs(_container), Options.Create(new SnapshotStoreOptions()), TimeProvider.System, NullLogger<ChunkedBlobSnapshotStore>.Instance);
        var manifest = await store.TryReadManifestAsync(snapshotId, null, CancellationToken.None) ?? throw new InvalidOperationException($"Snapshot {snapshotId} has no manifest.");
        return [.. manifest.Entries.SelectMany(e => e.Chunks ?? []).Select(c => c.Hash)];
    }

    /// <summary>Writes <paramref name="files"/> files of <paramref name="megabytesEach"/> MiB of random (incompressible) bytes, so a capture uploads for a while.</summary>
    public static async Task WriteRandomFilesAsync(string folder, int files, int megabytesEach)
    {
        byte[] buffer = new byte[megabytesEach << 20];
        for (int i = 0; i < files; i++)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(buffer);
            await File.WriteAllBytesAsync(Path.Combine(folder, $"bulk-{i:D3}.bin"), buffer);
        }
    }
}
