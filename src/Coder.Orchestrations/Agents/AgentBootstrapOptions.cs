namespace Coder.Orchestrations.Agents;

/// <summary>What a new agent is told about the control plane, besides its token.</summary>
public sealed class AgentBootstrapOptions
{
    public const string Section = "Coder:Agent";

    /// <summary>Base URL of the control plane (manifest and HTTP transport).</summary>
    public string ControlPlaneUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary><c>storage-queue</c> (local default), <c>servicebus</c> or <c>http</c>.</summary>
    public string Transport { get; set; } = "storage-queue";

    /// <summary>For the storage-queue transport: the connection string agents use (Azurite locally).</summary>
    public string? QueueConnectionString { get; set; }

    public string? ServiceBusNamespace { get; set; }
    public string ServiceBusQueue { get; set; } = "agent-events";

    /// <summary>Client id of the user-assigned identity ACI and VM workspaces wear; handed to agents as <c>AZURE_CLIENT_ID</c>.</summary>
    public string? IdentityClientId { get; set; }

    /// <summary>Default heartbeat interval when the template does not set one.</summary>
    public int HeartbeatSeconds { get; set; } = 5;
    public int MetricsSeconds { get; set; } = 30;
    public int ReadyTimeoutSeconds { get; set; } = 120;

    /// <summary>How long a scale waits for the agents to answer its drain hint before it goes on without them.</summary>
    public int DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>Overrides the agent's heartbeat interval for every workspace (tests and benchmarks).</summary>
    public int? HeartbeatOverrideSeconds { get; set; }
}
