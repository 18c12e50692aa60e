namespace Coder.Orchestrations.State;

/// <summary>
/// Where state lives. Locally a connection string (Azurite); on Azure the identity-based
/// <c>AzureWebJobsStorage__*ServiceUri</c> settings are used instead (see <see cref="StorageClientFactory"/>).
/// </summary>
public sealed class CoderStorageOptions
{
    public const string Section = "Coder:Storage";

    public string? ConnectionString { get; set; }

    /// <summary>Prefix for every table, container and queue name, so several deployments (or test runs) can share one account.</summary>
    public string Prefix { get; set; } = "";

    public string? TableServiceUri { get; set; }
    public string? BlobServiceUri { get; set; }
    public string? QueueServiceUri { get; set; }

    /// <summary>Client id of the user-assigned managed identity, on Azure.</summary>
    public string? ManagedIdentityClientId { get; set; }
}
