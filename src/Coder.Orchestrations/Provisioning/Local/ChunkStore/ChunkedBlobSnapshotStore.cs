using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Coder.Orchestrations.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// Snapshots of a directory tree in Blob storage, content-addressed: files are cut into content-defined chunks, each
/// chunk is stored once under its SHA-256 (compressed when that pays), and a manifest lists paths, modes, symlinks and
/// chunk lists. A chunk already in the parent snapshot, or anywhere in the store, is never uploaded again.
/// Restores build the tree beside the target, verify every chunk, and only then swap it in, so a failure leaves the
/// target as it was.
/// </summary>
public sealed partial class ChunkedBlobSnapshotStore(SnapshotBlobs blobs, IOptions<SnapshotStoreOptions> options, TimeProvider time, ILogger<ChunkedBlobSnapshotStore> logger)
{
    const string MetaSha256 = "sha256";
    const string MetaSize = "sizebytes";
    const string MetaUploaded = "uploadedbytes";
    const string MetaParent = "parent";

    /// <summary>How long before the parent's capture began a file must have been last touched for its chunks to be reused.</summary>
    const long ReuseMarginNs = 2_000_000_000L;

    readonly SnapshotStoreOptions _options = options.Value;

    /// <summary>
    /// Captures <paramref name="sourceDirectory"/> as <paramref name="snapshotId"/>. Retrying an id that was captured returns
    /// the same capture and uploads nothing. The manifest is written last, so a failed capture leaves no snapshot (its
    /// orphan chunks are collected later).
    /// </summary>
    public async Task<SnapshotCapture> CaptureAsync(string sourceDirectory, string snapshotId, string? parentSnapshotId, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync();
        if (await TryGetCaptureAsync(snapshotId, cancellationToken) is { } existing) return existing;
        string root = Path.GetFullPath(sourceDirectory);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"The workspace folder {root} does not exist.");

        var marker = blobs.Blob(SnapshotBlobs.CaptureMarkerPrefix + snapshotId);
        await marker.UploadAsync(BinaryData.FromString(time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)), overwrite: true, cancellationToken);
        try
        {
            // Marker first, then the check: a collector that starts later sees the marker and stands down.
            await ThrowIfCollectingAsync(cancellationToken);
            var startedAt = time.GetUtcNow();
            var stored = ListStoredChunksAsync(cancellationToken);
            var parent = parentSnapshotId is null ? null : await TryReadManifestAsync(parentSnapshotId, null, cancellationToken);
            var found = new List<FoundEntry>();
            Walk(root, "", found);
            var known = await stored;
            var reusable = ReusableFiles(parent);
            var previousFiles = parent?.FormatVersion >= SnapshotManifest.CurrentFormat
                ? parent.Entries.Where(e => e is { Type: "file", Chunks: not null }).ToDictionary(e => e.Path, StringComparer.Ordinal)
                : [];
            foreach (var chunk in parent?.Entries.SelectMany(e => e.Chunks ?? []) ?? []) known.TryAdd(chunk.Hash, true);

            var entries = new ManifestEntry[found.Count];
            var uploader = new ChunkUploader(blobs, _options.UploadsInFlight);
            long uploaded;
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, found.Count), new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
                {
                    var f = found[i];
                    if (f.Type != "file")
                    {
                        entries[i] = new ManifestEntry(f.RelativePath, f.Type, f.Mode, 0, f.ModifiedUnixMs, f.Target, null);
                    }
                    else if (f.Identity is { } identity && reusable.TryGetValue(f.RelativePath, out var previous) && previous.Identity == identity)
                    {
                        // Same inode, size and times as in the parent, and untouched since well before it: same content.
                        entries[i] = previous with { Mode = f.Mode, ModifiedUnixMs = f.ModifiedUnixMs };
                    }
                    else
                    {
                        var (chunks, size) = await CaptureFileAsync(f.FullPath, previousFiles.GetValueOrDefault(f.RelativePath), known, uploader, ct);
                        entries[i] = new ManifestEntry(f.RelativePath, f.Type, f.Mode, size, f.ModifiedUnixMs, null, chunks, f.Identity is { } id && id.Size == size ? id : null);
                    }
                });
                uploaded = await uploader.CompleteAsync(cancellationToken);
            }
            finally
            {
                await uploader.DrainAsync();
            }

            var manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, snapshotId, parentSnapshotId, time.GetUtcNow(), entries.Sum(e => e.Size), entries, startedAt);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(manifest, ServerJson.Options);
            string sha = ChunkCodec.Hash(json);
            byte[] compressed = Gzip(json);
            var metadata = new Dictionary<string, string>
            {
                [MetaSha256] = sha,
                [MetaSize] = manifest.SizeBytes.ToString(CultureInfo.InvariantCulture),
                [MetaUploaded] = (uploaded + compressed.Length).ToString(CultureInfo.InvariantCulture),
            };
            if (parentSnapshotId is not null) metadata[MetaParent] = parentSnapshotId;
            try
            {
                await blobs.Manifest(snapshotId).UploadAsync(new BinaryData(compressed), new BlobUploadOptions { Metadata = metadata, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // A concurrent attempt at the same id finished first; its capture is the capture.
                return await TryGetCaptureAsync(snapshotId, cancellationToken) ?? throw new InvalidOperationException($"Snapshot {snapshotId} was written concurrently but cannot be read.", e);
            }

            LogCaptured(logger, snapshotId, entries.Length, manifest.SizeBytes, uploaded + compressed.Length);
            return new SnapshotCapture(SnapshotBlobs.ManifestLocation(snapshotId), manifest.SizeBytes, sha, uploaded + compressed.Length);
        }
        finally
        {
            await marker.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>The capture recorded for a snapshot id, or null when no manifest exists.</summary>
    public async Task<SnapshotCapture?> TryGetCaptureAsync(string snapshotId, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync();
        try
        {
            var props = (await blobs.Manifest(snapshotId).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new SnapshotCapture(
                SnapshotBlobs.ManifestLocation(snapshotId),
                long.Parse(props.Metadata[MetaSize], CultureInfo.InvariantCulture),
                props.Metadata[MetaSha256],
                0);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Replaces <paramref name="targetDirectory"/> with snapshot <paramref name="snapshotId"/>: the tree is built in a staging
    /// folder, every chunk is checked against its hash, and only a complete, verified tree is swapped in. Platform folders
    /// (<see cref="SnapshotStoreOptions.ExcludedNames"/>) of the target are kept. On any failure the target is unchanged.
    /// </summary>
    public Task RestoreAsync(string targetDirectory, string snapshotId, string? expectedSha256, CancellationToken cancellationToken) =>
        RestoreAsync(targetDirectory, snapshotId, expectedSha256, stagingRoot: null, cancellationToken);

    /// <inheritdoc cref="RestoreAsync(string, string, string, CancellationToken)"/>
    /// <param name="stagingRoot">Where to build the tree (same file system as the target); null: beside the target.</param>
    public async Task RestoreAsync(string targetDirectory, string snapshotId, string? expectedSha256, string? stagingRoot, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync();
        var manifest = await TryReadManifestAsync(snapshotId, expectedSha256, cancellationToken)
            ?? throw new SnapshotCorruptException($"Snapshot {snapshotId} has no manifest in the store.");
        string target = Path.GetFullPath(targetDirectory.TrimEnd('/'));
        string stagingParent = stagingRoot is null ? Path.GetDirectoryName(target)! : Path.GetFullPath(stagingRoot);
        Directory.CreateDirectory(stagingParent);
        string staging = Path.Combine(stagingParent, $".restore-{Path.GetFileName(target)}-{snapshotId}");
        DeleteTree(staging);
        Directory.CreateDirectory(staging);
        try
        {
            await MaterializeAsync(manifest, staging, cancellationToken);
            Swap(target, staging, snapshotId);
        }
        catch
        {
            DeleteTree(staging);
            throw;
        }

        LogRestored(logger, snapshotId, manifest.Entries.Count, target);
    }

    /// <summary>Reads and verifies a manifest; null when it does not exist.</summary>
    public async Task<SnapshotManifest?> TryReadManifestAsync(string snapshotId, string? expectedSha256, CancellationToken cancellationToken)
    {
        BlobDownloadResult download;
        try
        {
            download = (await blobs.Manifest(snapshotId).DownloadContentAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        byte[] json;
        try
        {
            json = Gunzip(download.Content.ToMemory());
        }
        catch (InvalidDataException e)
        {
            throw new SnapshotCorruptException($"The manifest of snapshot {snapshotId} is corrupt: {e.Message}");
        }

        string sha = ChunkCodec.Hash(json);
        string? recorded = download.Details.Metadata.TryGetValue(MetaSha256, out var r) ? r : null;
        if ((expectedSha256 is not null && sha != expectedSha256) || (recorded is not null && sha != recorded))
            throw new SnapshotCorruptException($"The manifest of snapshot {snapshotId} is corrupt: its SHA-256 {sha} differs from the recorded {expectedSha256 ?? recorded}.");
        return JsonSerializer.Deserialize<SnapshotManifest>(json, ServerJson.Options)
            ?? throw new SnapshotCorruptException($"The manifest of snapshot {snapshotId} is empty.");
    }

    /// <summary>Deletes a snapshot's manifest; its chunks go in the next garbage collection if nothing else uses them.</summary>
    public async Task DeleteAsync(string snapshotId, CancellationToken cancellationToken)
    {
        await blobs.EnsureCreatedAsync();
        await blobs.Manifest(snapshotId).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    async Task ThrowIfCollectingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var props = (await blobs.Blob(SnapshotBlobs.CollectorMarker).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (time.GetUtcNow() - props.LastModified < TimeSpan.FromMinutes(_options.MarkerStaleMinutes))
                throw new SnapshotStoreBusyException("A garbage collection of snapshot chunks is in progress; the capture will be retried.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>
    /// Files of the parent whose chunks can stand for the file unread: those with an identity, modified and changed at
    /// least <see cref="ReuseMarginNs"/> before the parent's capture began, so no write during that capture can hide
    /// behind an unchanged timestamp.
    /// </summary>
    static Dictionary<string, ManifestEntry> ReusableFiles(SnapshotManifest? parent)
    {
        var reusable = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        if (parent?.StartedAt is not { } started) return reusable;
        long cutoff = (started.ToUnixTimeMilliseconds() * 1_000_000L) - ReuseMarginNs;
        foreach (var entry in parent.Entries)
        {
            if (entry is { Type: "file", Chunks: not null, Identity: { } id } && id.Size == entry.Size && id.ModifiedNs < cutoff && id.ChangedNs < cutoff)
                reusable[entry.Path] = entry;
        }

        return reusable;
    }

    /// <summary>Every chunk already in the store, in one listing rather than a request per chunk.</summary>
    async Task<ConcurrentDictionary<string, bool>> ListStoredChunksAsync(CancellationToken cancellationToken)
    {
        var known = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var blob in blobs.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, SnapshotBlobs.ChunkPrefix, cancellationToken))
        {
            known.TryAdd(blob.Name[SnapshotBlobs.ChunkPrefix.Length..], true);
        }

        return known;
    }

    /// <summary>
    /// Cuts a file into chunks and enqueues the new ones. With the file's entry in the parent, each chunk is first tried
    /// at the parent's boundary: when its bytes hash to the parent's chunk, content-defined chunking from the same start
    /// would end at the same boundary (a boundary depends only on the bytes since the chunk's start), so the rolling
    /// hash is skipped and the result is the same as without the hint.
    /// </summary>
    static async Task<(List<ChunkRef> Chunks, long Size)> CaptureFileAsync(string path, ManifestEntry? previous, ConcurrentDictionary<string, bool> known, ChunkUploader uploader, CancellationToken cancellationToken)
    {
        var chunks = new List<ChunkRef>();
        long size = 0;
        var hints = previous?.Chunks ?? [];
        int hint = 0;
        long hintOffset = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * ContentDefinedChunker.MaxSize);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            int filled = 0;
            bool eof = false;
            while (true)
            {
                while (!eof && filled < buffer.Length)
                {
                    int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                    if (read == 0) eof = true;
                    filled += read;
                }

                int start = 0;
                while (filled - start >= ContentDefinedChunker.MaxSize || (eof && start < filled))
                {
                    while (hint < hints.Count && hintOffset < size) hintOffset += hints[hint++].Length;
                    int length = 0;
                    string? hash = null;
                    // The parent's last chunk ended where its file did, not at a content boundary: it is no hint for a longer file.
                    if (hint < hints.Count && hintOffset == size && hints[hint].Length <= filled - start && (hint < hints.Count - 1 || (eof && hints[hint].Length == filled - start)))
                    {
                        string candidate = ChunkCodec.Hash(buffer.AsSpan(start, hints[hint].Length));
                        if (candidate == hints[hint].Hash) (length, hash) = (hints[hint].Length, candidate);
                    }

                    if (hash is null)
                    {
                        length = ContentDefinedChunker.NextChunkLength(buffer.AsSpan(start, filled - start));
                        hash = ChunkCodec.Hash(buffer.AsSpan(start, length));
                    }

                    chunks.Add(new ChunkRef(hash, length));
                    if (known.TryAdd(hash, true)) await uploader.EnqueueAsync(hash, buffer.AsMemory(start, length), cancellationToken);
                    start += length;
                    size += length;
                }

                if (eof) return (chunks, size);
                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    async Task MaterializeAsync(SnapshotManifest manifest, string staging, CancellationToken cancellationToken)
    {
        foreach (var entry in manifest.Entries) CheckPath(manifest.SnapshotId, entry.Path);
        foreach (var dir in manifest.Entries.Where(e => e.Type == "dir")) Directory.CreateDirectory(Path.Combine(staging, dir.Path));
        var files = manifest.Entries.Where(e => e.Type == "file").ToList();
        var pieces = new List<(ManifestEntry Entry, ChunkRef Chunk, long Offset)>();
        foreach (var entry in files)
        {
            // Every file exists at its full length before any chunk lands, so chunks of one file can be written in any order.
            using (var handle = File.OpenHandle(Path.Combine(staging, entry.Path), FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, entry.Size)) { }
            long offset = 0;
            foreach (var chunk in entry.Chunks ?? [])
            {
                pieces.Add((entry, chunk, offset));
                offset += chunk.Length;
            }

            if (offset != entry.Size) throw new SnapshotCorruptException($"The manifest of snapshot {manifest.SnapshotId} lists {offset} bytes of chunks for {entry.Path} of {entry.Size} bytes.");
        }

        // Chunk by chunk rather than file by file, so one large file is fetched with all the parallelism there is.
        await Parallel.ForEachAsync(pieces, new ParallelOptions { MaxDegreeOfParallelism = _options.UploadsInFlight, CancellationToken = cancellationToken }, async (piece, ct) =>
        {
            BinaryData stored;
            try
            {
                stored = (await blobs.Chunk(piece.Chunk.Hash).DownloadContentAsync(ct)).Value.Content;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new SnapshotCorruptException($"Chunk {piece.Chunk.Hash} of {piece.Entry.Path} is missing from the store.");
            }

            byte[] content;
            try
            {
                content = ChunkCodec.Decode(piece.Chunk.Hash, stored.ToMemory().Span, piece.Chunk.Length);
            }
            catch (SnapshotCorruptException e)
            {
                throw new SnapshotCorruptException($"{e.Message} (in {piece.Entry.Path} of snapshot {manifest.SnapshotId})");
            }

            using var handle = File.OpenHandle(Path.Combine(staging, piece.Entry.Path), FileMode.Open, FileAccess.Write, FileShare.Write);
            await RandomAccess.WriteAsync(handle, content, piece.Offset, ct);
        });

        foreach (var entry in files)
        {
            string path = Path.Combine(staging, entry.Path);
            SetMode(path, entry.Mode);
            File.SetLastWriteTimeUtc(path, DateTimeOffset.FromUnixTimeMilliseconds(entry.ModifiedUnixMs).UtcDateTime);
        }

        foreach (var link in manifest.Entries.Where(e => e.Type == "symlink")) File.CreateSymbolicLink(Path.Combine(staging, link.Path), link.Target!);

        // Deepest first, so a read-only directory is closed only after everything inside it was written.
        foreach (var dir in manifest.Entries.Where(e => e.Type == "dir").OrderByDescending(e => e.Path.Length))
        {
            string path = Path.Combine(staging, dir.Path);
            Directory.SetLastWriteTimeUtc(path, DateTimeOffset.FromUnixTimeMilliseconds(dir.ModifiedUnixMs).UtcDateTime);
            SetMode(path, dir.Mode);
        }
    }

    void Swap(string target, string staging, string snapshotId)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }

        string previous = Path.Combine(Path.GetDirectoryName(staging)!, $".pre-restore-{Path.GetFileName(target)}-{snapshotId}");
        DeleteTree(previous);
        Directory.Move(target, previous);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(previous, target);
            throw;
        }

        foreach (string name in _options.ExcludedNames)
        {
            string from = Path.Combine(previous, name);
            string to = Path.Combine(target, name);
            if (Directory.Exists(from)) Directory.Move(from, to);
            else if (File.Exists(from)) File.Move(from, to);
        }

        DeleteTree(previous);
    }

    void Walk(string directory, string relative, List<FoundEntry> found)
    {
        var children = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal);
        foreach (var info in children)
        {
            if (relative.Length == 0 && _options.ExcludedNames.Contains(info.Name)) continue;
            string rel = relative.Length == 0 ? info.Name : relative + "/" + info.Name;
            long modified = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds();
            if (info.LinkTarget is { } target)
            {
                found.Add(new FoundEntry(rel, info.FullName, "symlink", 0x1FF, modified, target));
            }
            else if (info is DirectoryInfo dir)
            {
                found.Add(new FoundEntry(rel, dir.FullName, "dir", (int)dir.UnixFileMode, modified, null));
                Walk(dir.FullName, rel, found);
            }
            else
            {
                // Identity before content: a write after this stat moves the times, so the next snapshot reads the file again.
                found.Add(new FoundEntry(rel, info.FullName, "file", (int)info.UnixFileMode, modified, null, FileIdentityReader.TryRead(info.FullName)));
            }
        }
    }

    static void CheckPath(string snapshotId, string path)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(s => s is "" or "." or ".."))
            throw new SnapshotCorruptException($"The manifest of snapshot {snapshotId} names an unsafe path '{path}'.");
    }

    static void DeleteTree(string path)
    {
        if (!Directory.Exists(path)) return;
        // Read-only directories from a snapshot must be opened again before their content can go.
        foreach (var dir in new DirectoryInfo(path).EnumerateDirectories("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (dir.LinkTarget is null && !OperatingSystem.IsWindows()) dir.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        Directory.Delete(path, recursive: true);
    }

    static void SetMode(string path, int mode)
    {
        // Modes are Unix-only; the local provisioner runs on Linux.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    static byte[] Gunzip(ReadOnlyMemory<byte> data)
    {
        using var input = new MemoryStream(data.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    sealed record FoundEntry(string RelativePath, string FullPath, string Type, int Mode, long ModifiedUnixMs, string? Target, FileIdentity? Identity = null);

    [LoggerMessage(Level = LogLevel.Information, Message = "Captured snapshot {SnapshotId}: {Entries} entries, {SizeBytes} bytes, {UploadedBytes} bytes uploaded")]
    static partial void LogCaptured(ILogger logger, string snapshotId, int entries, long sizeBytes, long uploadedBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored snapshot {SnapshotId} ({Entries} entries) into {Target}")]
    static partial void LogRestored(ILogger logger, string snapshotId, int entries, string target);
}
