using Azure.Core;
using Azure.Storage.Blobs;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Snapshots;

/// <summary>A real snapshot store on the shared Azurite, in a fresh container, with a counter of the bytes it writes.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class SnapshotStoreFactory
{
    public static (ChunkedBlobSnapshotStore Store, SnapshotBlobs Blobs, BlobWriteCounter Counter) Create(TestStorage storage, SnapshotStoreOptions? options = null, TimeProvider? time = null)
    {
        var counter = new BlobWriteCounter();
        var clientOptions = new BlobClientOptions();
        clientOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var container = new BlobContainerClient(storage.ConnectionString, SnapshotBlobs.ContainerName(TestStorage.NewPrefix()), clientOptions);
        var blobs = new SnapshotBlobs(container);
        var store = new ChunkedBlobSnapshotStore(blobs, Options.Create(options ?? new SnapshotStoreOptions()), time ?? TimeProvider.System, NullLogger<ChunkedBlobSnapshotStore>.Instance);
        return (store, blobs, counter);
    }

    public static string NewFolder(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), "coder-snap-tests", Guid.NewGuid().ToString("N")[..8], name);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        string root = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(root)) return;
        foreach (var dir in new DirectoryInfo(root).EnumerateDirectories("*", new EnumerationOptions { RecurseSubdirectories = true }))
        {
            if (dir.LinkTarget is null) dir.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>Deterministic bytes, fast: one seeded generator per file.</summary>
    public static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Stores a manifest as the store would (gzip JSON with its SHA-256 in the metadata), to stage a parent by hand.</summary>
    public static async Task WriteManifestAsync(SnapshotBlobs blobs, SnapshotManifest manifest)
    {
        byte[] json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest, Coder.Orchestrations.Common.ServerJson.Options);
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(json);
        var metadata = new Dictionary<string, string> { ["sha256"] = ChunkCodec.Hash(json), ["sizebytes"] = manifest.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await blobs.Manifest(manifest.SnapshotId).UploadAsync(new BinaryData(gzipped.ToArray()), new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = metadata });
    }

    public static int BlobCount(SnapshotBlobs blobs, string prefix) => blobs.Container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None).Count();
}
