using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// Frees chunks no manifest references: mark (every chunk of every manifest) then sweep (delete the rest). It never
/// races a capture: the collector writes its marker and then looks for capture markers, while a capture writes its
/// marker and then looks for the collector's, so at least one of them sees the other and stands down. Chunks written
/// after the mark began are never swept either.
/// </summary>
public sealed partial class ChunkGarbageCollector(SnapshotBlobs blobs, ChunkedBlobSnapshotStore store, IOptions<SnapshotStoreOptions> options, TimeProvider time, ILogger<ChunkGarbageCollector> logger)
{
    public async Task<GarbageCollectionResult> CollectAsync(CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync();
        var started = time.GetUtcNow();
        var stale = TimeSpan.FromMinutes(options.Value.MarkerStaleMinutes);
        var marker = blobs.Blob(SnapshotBlobs.CollectorMarker);
        await marker.UploadAsync(BinaryData.FromString(started.ToString("O", CultureInfo.InvariantCulture)), overwrite: true, cancellationToken);
        try
        {
            await foreach (var capture in blobs.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, SnapshotBlobs.CaptureMarkerPrefix, cancellationToken))
            {
                if (started - capture.Properties.LastModified < stale)
                {
                    string id = capture.Name[SnapshotBlobs.CaptureMarkerPrefix.Length..];
                    LogSkipped(logger, id);
                    return new GarbageCollectionResult(0, 0, 0, 0, $"Snapshot {id} is being captured.");
                }
            }

            var referenced = new HashSet<string>(StringComparer.Ordinal);
            int manifests = 0;
            await foreach (var manifest in blobs.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, SnapshotBlobs.ManifestPrefix, cancellationToken))
            {
                string snapshotId = manifest.Name[SnapshotBlobs.ManifestPrefix.Length..];
                // A manifest that cannot be read keeps the pass from sweeping: deleting what it may reference is unsafe.
                var content = await store.TryReadManifestAsync(snapshotId, null, cancellationToken);
                if (content is null) continue;
                manifests++;
                foreach (var entry in content.Entries)
                {
                    foreach (var chunk in entry.Chunks ?? []) referenced.Add(chunk.Hash);
                }
            }

            int deleted = 0;
            long deletedBytes = 0;
            await foreach (var chunk in blobs.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, SnapshotBlobs.ChunkPrefix, cancellationToken))
            {
                string hash = chunk.Name[SnapshotBlobs.ChunkPrefix.Length..];
                if (referenced.Contains(hash) || chunk.Properties.LastModified >= started) continue;
                try
                {
                    await blobs.Chunk(hash).DeleteAsync(cancellationToken: cancellationToken);
                    deleted++;
                    deletedBytes += chunk.Properties.ContentLength ?? 0;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                }
            }

            LogCollected(logger, manifests, referenced.Count, deleted, deletedBytes);
            return new GarbageCollectionResult(manifests, referenced.Count, deleted, deletedBytes, null);
        }
        finally
        {
            await marker.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chunk garbage collection stood down: snapshot {SnapshotId} is being captured")]
    static partial void LogSkipped(ILogger logger, string snapshotId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chunk garbage collection: {Manifests} manifests reference {Referenced} chunks; deleted {Deleted} chunks ({DeletedBytes} bytes)")]
    static partial void LogCollected(ILogger logger, int manifests, int referenced, int deleted, long deletedBytes);
}
