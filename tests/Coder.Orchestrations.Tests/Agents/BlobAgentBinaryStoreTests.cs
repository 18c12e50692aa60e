using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Agents;

/// <summary>The Azure agent store on Azurite, filled the way azd's postdeploy hook fills it (blob + sha256 metadata).</summary>
[Collection(StorageCollection.Name)]
public sealed class BlobAgentBinaryStoreTests(TestStorage storage)
{
    readonly string _prefix = TestStorage.NewPrefix();

    BlobAgentBinaryStore Store => new(new StorageClientFactory(
        Options.Create(new CoderStorageOptions { ConnectionString = storage.ConnectionString, Prefix = _prefix }), new ServiceCollection().BuildServiceProvider()));

    async Task<BlobClient> UploadAsync(byte[] bytes, IDictionary<string, string> metadata)
    {
        var container = new BlobContainerClient(storage.ConnectionString, _prefix + BlobAgentBinaryStore.ContainerName);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient(BlobAgentBinaryStore.BlobName(AgentBinaryRoutes.LinuxX64));
        await blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions { Metadata = metadata });
        return blob;
    }

    [Fact]
    public async Task An_uploaded_agent_is_found_with_the_hash_and_length_the_hook_recorded_and_reads_back_byte_for_byte()
    {
        byte[] agent = RandomNumberGenerator.GetBytes(70_000);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(agent));
        await UploadAsync(agent, new Dictionary<string, string> { ["sha256"] = sha256.ToUpperInvariant() });

        var found = await Store.FindAsync(AgentBinaryRoutes.LinuxX64, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(sha256, found.Sha256);
        Assert.Equal(agent.Length, found.Length);
        using var read = new MemoryStream();
        await using (var stream = await Store.OpenReadAsync(found, CancellationToken.None)) await stream.CopyToAsync(read);
        Assert.Equal(agent, read.ToArray());
    }

    [Fact]
    public async Task Nothing_published_and_unknown_platforms_are_not_found()
    {
        Assert.Null(await Store.FindAsync(AgentBinaryRoutes.LinuxX64, CancellationToken.None));

        await UploadAsync([1, 2, 3], new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData([1, 2, 3])) });
        Assert.Null(await Store.FindAsync("linux-arm64", CancellationToken.None));
        Assert.Null(await Store.FindAsync("../linux-x64", CancellationToken.None));
    }

    [Fact]
    public async Task An_agent_uploaded_without_its_hash_is_refused_with_how_to_fix_it()
    {
        await UploadAsync([1, 2, 3], new Dictionary<string, string>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.FindAsync(AgentBinaryRoutes.LinuxX64, CancellationToken.None));

        Assert.Contains("publish-agent.sh", error.Message, StringComparison.Ordinal);
    }
}
