using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using Azure.Storage.Files.Shares;
using Azure.Storage.Files.Shares.Models;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>
/// The ARM and Azure Files clients both Azure provisioners share: the registered credential (the app's managed identity in Azure), the SDK
/// retry policy for 429/5xx, explicit api-versions so generic resources never look them up.
/// </summary>
public sealed partial class AzureClients
{
    public const string ContainerGroupsApiVersion = "2026-05-01";
    public const string NetworkInterfacesApiVersion = "2023-04-01";
    public const string FileSharesApiVersion = "2023-05-01";

    public static readonly ResourceType ContainerGroupType = new("Microsoft.ContainerInstance/containerGroups");
    public static readonly ResourceType NetworkInterfaceType = new("Microsoft.Network/networkInterfaces");
    public static readonly ResourceType FileShareType = new("Microsoft.Storage/storageAccounts/fileServices/shares");

    readonly TimeProvider _time;
    readonly Lazy<ArmClient> _arm;
    readonly Lazy<ShareServiceClient?> _files;
    readonly Lazy<ArmRequests> _requests;

    public AzureClients(IOptions<AzureProvisioningOptions> options, TimeProvider time, TokenCredential credential, HttpPipelineTransport? transport = null)
    {
        Options = options.Value;
        _time = time;
        var o = Options;
        Credential = credential;
        _arm = new Lazy<ArmClient>(() =>
        {
            var armOptions = new ArmClientOptions();
            if (o.ArmEndpoint is { } endpoint) armOptions.Environment = new ArmEnvironment(endpoint, o.ArmAudience ?? ArmEnvironment.AzurePublicCloud.Audience);
            ConfigureRetry(armOptions.Retry, o);
            if (transport is not null) armOptions.Transport = transport;
            armOptions.SetApiVersion(ContainerGroupType, ContainerGroupsApiVersion);
            armOptions.SetApiVersion(NetworkInterfaceType, NetworkInterfacesApiVersion);
            armOptions.SetApiVersion(FileShareType, FileSharesApiVersion);
            return new ArmClient(Credential, o.SubscriptionId, armOptions);
        });
        _requests = new Lazy<ArmRequests>(() => new ArmRequests(Arm, ResourceGroupId, Options, _time));
        _files = new Lazy<ShareServiceClient?>(() =>
        {
            var endpoint = o.FilesEndpoint ?? (o.FilesAccount is { Length: > 0 } account ? new Uri($"https://{account}.file.core.windows.net") : null);
            if (endpoint is null) return null;
            // Shared keys are off on the files account: OAuth with backup intent reads and writes files regardless of ACLs.
            var shareOptions = new ShareClientOptions { ShareTokenIntent = ShareTokenIntent.Backup };
            ConfigureRetry(shareOptions.Retry, o);
            if (transport is not null) shareOptions.Transport = transport;
            return new ShareServiceClient(endpoint, Credential, shareOptions);
        });
    }

    public AzureProvisioningOptions Options { get; }

    public TokenCredential Credential { get; }

    public ArmClient Arm => _arm.Value;

    public ResourceIdentifier ResourceGroupId => ResourceGroupResource.CreateResourceIdentifier(Options.SubscriptionId!, Options.ResourceGroup!);

    public ResourceGroupResource ResourceGroup => Arm.GetResourceGroupResource(ResourceGroupId);

    /// <summary>The Azure Files data plane (restore copies files out of share snapshots).</summary>
    public ShareServiceClient Files => _files.Value ?? throw new InvalidOperationException("Coder:Azure:FilesAccount is not set, so the aci provisioner has no home shares.");

    /// <summary>Raw ARM calls (POST actions, query options generic resources lack) through the same authenticated, retrying pipeline.</summary>
    public ArmRequests Requests => _requests.Value;

    static void ConfigureRetry(RetryOptions retry, AzureProvisioningOptions o)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = o.MaxRetries;
        retry.Delay = o.RetryDelay;
        retry.MaxDelay = o.MaxRetryDelay;
    }
}
