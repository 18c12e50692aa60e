using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Provisioning.AgentDelivery;

/// <summary>
/// The agent builds on Azure: blob <c>{platform}/coder-agent</c> in the <c>agent-binaries</c> container of the state
/// account, its SHA-256 (lower-case hex) in the blob's <c>sha256</c> metadata. azd's postdeploy hook
/// (infra/scripts/publish-agent.sh) publishes and uploads them.
/// </summary>
public sealed partial class BlobAgentBinaryStore(StorageClientFactory storage) : IAgentBinaryStore
{
    public const string ContainerName = "agent-binaries";
    public const string FileName = "coder-agent";
    public const string Sha256Metadata = "sha256";

    public static string BlobName(string platform) => $"{platform}/{FileName}";

    public async Task<AgentBinary?> FindAsync(string platform, CancellationToken cancellationToken)
    {
        if (!PlatformName().IsMatch(platform)) return null;
        try
        {
            var properties = (await Blob(platform).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (!properties.Metadata.TryGetValue(Sha256Metadata, out string? sha256) || !Sha256Hex().IsMatch(sha256))
            {
                throw new InvalidOperationException(
                    $"Blob {ContainerName}/{BlobName(platform)} has no valid '{Sha256Metadata}' metadata, so no workspace can verify it. Upload it again with infra/scripts/publish-agent.sh (azd deploy runs it).");
            }

            return new AgentBinary(platform, sha256.ToLowerInvariant(), properties.ContentLength, properties.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream> OpenReadAsync(AgentBinary binary, CancellationToken cancellationToken) =>
        (await Blob(binary.Platform).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value.Content;

    BlobClient Blob(string platform) =>
        storage.CreateBlobServiceClient().GetBlobContainerClient(storage.Prefix + ContainerName).GetBlobClient(BlobName(platform));

    [GeneratedRegex("^[a-z0-9]+-[a-z0-9]+$")]
    private static partial Regex PlatformName();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
