using Azure;
using Azure.Storage.Blobs;

namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// The snapshot container: <c>chunks/{sha256}</c> (content-addressed, shared by every workspace and branch),
/// <c>manifests/{snapshotId}</c>, and <c>locks/</c> markers that keep garbage collection and captures apart.
/// </summary>
public sealed class SnapshotBlobs(BlobContainerClient container)
{
    public const string ChunkPrefix = "chunks/";
    public const string ManifestPrefix = "manifests/";
    public const string CaptureMarkerPrefix = "locks/captures/";
    public const string CollectorMarker = "locks/gc";

    readonly Lazy<Task> _created = new(() => CreateAsync(container));

    public BlobContainerClient Container => container;

    /// <summary>The container name for a deployment prefix (container names are lower-case letters, digits and dashes).</summary>
    public static string ContainerName(string prefix) => new string([.. prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]) + "snapshots";

    public Task EnsureCreatedAsync() => _created.Value;

    public BlobClient Chunk(string hash) => container.GetBlobClient(ChunkPrefix + hash);

    public BlobClient Manifest(string snapshotId) => container.GetBlobClient(ManifestLocation(snapshotId));

    public BlobClient Blob(string name) => container.GetBlobClient(name);

    public static string ManifestLocation(string snapshotId) => ManifestPrefix + snapshotId;

    static async Task CreateAsync(BlobContainerClient container)
    {
        try
        {
            await container.CreateIfNotExistsAsync();
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another instance created it at the same moment.
        }
    }
}
