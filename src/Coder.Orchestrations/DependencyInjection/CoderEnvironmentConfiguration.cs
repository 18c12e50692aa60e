using Microsoft.Extensions.Configuration;

namespace Coder.Orchestrations.DependencyInjection;

/// <summary>
/// Maps the documented flat settings (CODER_STORAGE, CODER_DATA_DIR, …, and the identity-based AzureWebJobsStorage__*
/// settings) onto the options sections, so both hosts read the same names the README and the Bicep use.
/// </summary>
public static class CoderEnvironmentConfiguration
{
    /// <summary>The autoscale timer's NCRONTAB schedule (with seconds).</summary>
    public const string AutoscaleScheduleSetting = "CODER_AUTOSCALE_SCHEDULE";
    public const string DefaultAutoscaleSchedule = "0 * * * * *";

    static readonly (string Variable, string Key)[] Map =
    [
        ("CODER_STORAGE", "Coder:Storage:ConnectionString"),
        ("CODER_STORAGE_PREFIX", "Coder:Storage:Prefix"),
        ("AzureWebJobsStorage__tableServiceUri", "Coder:Storage:TableServiceUri"),
        ("AzureWebJobsStorage__blobServiceUri", "Coder:Storage:BlobServiceUri"),
        ("AzureWebJobsStorage__queueServiceUri", "Coder:Storage:QueueServiceUri"),
        ("AzureWebJobsStorage__clientId", "Coder:Storage:ManagedIdentityClientId"),
        ("CODER_ADMIN_TOKEN", "Coder:Security:AdminToken"),
        ("CODER_ADMIN_PRINCIPAL_IDS", "Coder:Security:AdminPrincipalIds"),
        ("CODER_DATA_DIR", "Coder:Local:DataDirectory"),
        ("CODER_SECRETS_KEYVAULT_URI", "Coder:Secrets:KeyVaultUri"),
        ("CODER_AGENT_PATH", "Coder:Local:AgentPath"),
        ("CODER_BWRAP", "Coder:Local:BubblewrapPath"),
        ("CODER_LOCAL_REPOSITORY_ROOTS", "Coder:Local:RepositoryRoots"),
        ("CODER_URL", "Coder:Agent:ControlPlaneUrl"),
        ("CODER_AGENT_TRANSPORT", "Coder:Agent:Transport"),
        ("CODER_AGENT_HEARTBEAT_SECONDS", "Coder:Agent:HeartbeatOverrideSeconds"),
        ("CODER_AGENT_FLEET_HEARTBEATS_PER_SECOND", "Coder:Agent:FleetHeartbeatsPerSecond"),
        ("CODER_AGENT_METRICS_SECONDS", "Coder:Agent:MetricsSeconds"),
        ("CODER_METRICS_BUCKET_SECONDS", "Coder:Scaling:BucketSeconds"),
        // One namespace and queue: what agents are told to send to is what the drain receives from.
        ("CODER_SERVICEBUS__fullyQualifiedNamespace", "Coder:Agent:ServiceBusNamespace"),
        ("CODER_SERVICEBUS__fullyQualifiedNamespace", "Coder:Agent:ServiceBus:FullyQualifiedNamespace"),
        ("CODER_SERVICEBUS_QUEUE", "Coder:Agent:ServiceBusQueue"),
        ("CODER_SERVICEBUS_QUEUE", "Coder:Agent:ServiceBus:QueueName"),
        ("CODER_TASKHUB", "Coder:TaskHub"),
        ("CODER_AZURE_SUBSCRIPTION_ID", "Coder:Azure:SubscriptionId"),
        ("CODER_AZURE_RESOURCE_GROUP", "Coder:Azure:ResourceGroup"),
        ("CODER_AZURE_LOCATION", "Coder:Azure:Location"),
        ("CODER_AZURE_AGENT_QUEUE_ID", "Coder:Azure:AgentQueueId"),
        ("CODER_AZURE_FILES_ACCOUNT", "Coder:Azure:FilesAccount"),
        ("CODER_AZURE_VM_SUBNET_ID", "Coder:Azure:VmSubnetId"),
        ("CODER_RELAY_URL", "Coder:Relay:Url"),
        ("CODER_RELAY_KEY_NAME", "Coder:Relay:KeyName"),
        ("CODER_RELAY_KEY", "Coder:Relay:Key"),
        ("CODER_RELAY_SEND_KEY_NAME", "Coder:Relay:SendKeyName"),
        ("CODER_RELAY_SEND_KEY", "Coder:Relay:SendKey"),
        ("CODER_RELAY_NAMESPACE_ID", "Coder:Relay:NamespaceId"),
    ];

    public static IConfigurationBuilder AddCoderEnvironment(this IConfigurationBuilder builder) =>
        builder.AddCoderEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>The same mapping over another environment (the deployment tests pass the Bicep's app settings).</summary>
    public static IConfigurationBuilder AddCoderEnvironment(this IConfigurationBuilder builder, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Map)
        {
            if (environment(variable) is { Length: > 0 } value) values[key] = value;
        }

        // Timer schedules are %SETTING% names (the Functions host resolves them from app settings); the local host gets defaults.
        if (environment(AutoscaleScheduleSetting) is not { Length: > 0 }) values[AutoscaleScheduleSetting] = DefaultAutoscaleSchedule;
        return builder.AddInMemoryCollection(values);
    }
}
