namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>Where and as whom the <c>aci</c> and <c>vm</c> provisioners work (section <c>Coder:Azure</c>, or the CODER_AZURE_* settings).</summary>
public sealed class AzureProvisioningOptions
{
    public const string Section = "Coder:Azure";

    public string? SubscriptionId { get; set; }

    /// <summary>The workspace resource group of this environment: everything the provisioners create lives here.</summary>
    public string? ResourceGroup { get; set; }

    public string? Location { get; set; }

    /// <summary>
    /// Resource id of the agent-events Service Bus queue. Each workspace's own identity is granted send-only on it
    /// when agents use the servicebus transport (every workspace wears its own identity; see WorkspaceIdentityGrants).
    /// </summary>
    public string? AgentQueueId { get; set; }

    /// <summary>Storage account holding the <c>aci</c> home shares.</summary>
    public string? FilesAccount { get; set; }

    /// <summary>Azure Files endpoint; defaults to <c>https://{FilesAccount}.file.core.windows.net</c>.</summary>
    public Uri? FilesEndpoint { get; set; }

    /// <summary>Subnet the <c>vm</c> NICs join.</summary>
    public string? VmSubnetId { get; set; }

    /// <summary>Admin account of workspace VMs (Azure requires one). Agents dial out; nothing listens for SSH.</summary>
    public string VmAdminUsername { get; set; } = "coder";

    /// <summary>SSH public key for that account; Linux VMs take no password. Unset: a throwaway key nobody holds.</summary>
    public string? VmAdminSshPublicKey { get; set; }

    /// <summary>
    /// Stock image of ACI's init container, which downloads the agent from the control plane and checks its SHA-256: it
    /// needs only <c>sh</c>, <c>curl</c> and <c>sha256sum</c> (curl's official image: Alpine, busybox).
    /// </summary>
    public string AgentInstallImage { get; set; } = "docker.io/curlimages/curl:8.11.1";

    /// <summary>ARM endpoint (sovereign clouds, or a contract-test fake). Defaults to the public cloud.</summary>
    public Uri? ArmEndpoint { get; set; }

    public string? ArmAudience { get; set; }

    /// <summary>How long one long-running ARM operation may take before the activity fails (and is retried by its orchestration).</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Retries of 429 and 5xx responses (exponential backoff, Retry-After honoured).</summary>
    public int MaxRetries { get; set; } = 6;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Poll interval for long-running operations when ARM sends no Retry-After.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(SubscriptionId) && !string.IsNullOrWhiteSpace(ResourceGroup) && !string.IsNullOrWhiteSpace(Location);
}
