using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.State;

/// <summary>Creates storage service clients from a connection string, or from service URIs plus a token credential.</summary>
public sealed class StorageClientFactory(IOptions<CoderStorageOptions> options, IServiceProvider services)
{
    readonly CoderStorageOptions _options = options.Value;

    public string Prefix => _options.Prefix;

    public TableServiceClient CreateTableServiceClient() =>
        _options.ConnectionString is { Length: > 0 } cs
            ? new TableServiceClient(cs, WithPolicies(new TableClientOptions()))
            : new TableServiceClient(Required(_options.TableServiceUri, nameof(_options.TableServiceUri)), Credential(), WithPolicies(new TableClientOptions()));

    public BlobServiceClient CreateBlobServiceClient() =>
        _options.ConnectionString is { Length: > 0 } cs
            ? new BlobServiceClient(cs, WithPolicies(new BlobClientOptions()))
            : new BlobServiceClient(Required(_options.BlobServiceUri, nameof(_options.BlobServiceUri)), Credential(), WithPolicies(new BlobClientOptions()));

    public QueueServiceClient CreateQueueServiceClient() =>
        _options.ConnectionString is { Length: > 0 } cs
            ? new QueueServiceClient(cs, WithPolicies(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            : new QueueServiceClient(Required(_options.QueueServiceUri, nameof(_options.QueueServiceUri)), Credential(), WithPolicies(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));

    /// <summary>The client options with the registered <see cref="StoragePipelinePolicies"/> (none in production).</summary>
    T WithPolicies<T>(T clientOptions) where T : ClientOptions
    {
        if (services.GetService(typeof(StoragePipelinePolicies)) is StoragePipelinePolicies policies)
        {
            foreach (HttpPipelinePolicy policy in policies.PerCall) clientOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        return clientOptions;
    }

    TokenCredential Credential() => (TokenCredential)services.GetService(typeof(TokenCredential))!;

    static Uri Required(string? value, string name) =>
        value is { Length: > 0 } ? new Uri(value) : throw new InvalidOperationException($"Storage is not configured: set Coder:Storage:ConnectionString (CODER_STORAGE) or Coder:Storage:{name}.");
}
