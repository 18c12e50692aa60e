using Azure.Core;

namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>One role a workspace identity holds, on one resource of that workspace (never a group or account).</summary>
public sealed record WorkspaceGrant(ResourceIdentifier Scope, Guid RoleDefinitionId)
{
    /// <summary>Storage File Data SMB Share Contributor: ACI mounts the home share with the identity.</summary>
    public static readonly Guid SmbShareContributor = Guid.Parse("0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb");

    /// <summary>Azure Service Bus Data Sender: send only, on the agent-events queue.</summary>
    public static readonly Guid ServiceBusDataSender = Guid.Parse("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39");

    /// <summary>
    /// Send-only on the agent-events queue when the agent is told to use Service Bus; nothing for the other transports
    /// (they authenticate with the agent token alone).
    /// </summary>
    public static IEnumerable<WorkspaceGrant> ForAgentTransport(WorkspaceResourceSpec spec, AzureProvisioningOptions options)
    {
        if (!spec.AgentEnvironment.TryGetValue("CODER_AGENT_TRANSPORT", out string? transport) || transport != "servicebus") return [];
        return options.AgentQueueId is { Length: > 0 }
            ? ForAgentQueue(options)
            : throw new InvalidOperationException("Coder:Azure:AgentQueueId (the agent-events queue's resource id) is required when agents use the servicebus transport.");
    }

    /// <summary>The queue grant a workspace may hold, whatever its transport was (Destroy removes it either way).</summary>
    public static IEnumerable<WorkspaceGrant> ForAgentQueue(AzureProvisioningOptions options) =>
        options.AgentQueueId is { Length: > 0 } queue ? [new WorkspaceGrant(new ResourceIdentifier(queue), ServiceBusDataSender)] : [];
}
