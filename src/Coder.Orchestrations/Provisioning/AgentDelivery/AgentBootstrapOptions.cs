namespace Coder.Orchestrations.Provisioning.AgentDelivery;

/// <summary>What a new agent is told about the control plane, besides its token.</summary>
public sealed class AgentBootstrapOptions
{
    public const string Section = "Coder:Agent";

    /// <summary>Base URL of the control plane (manifest and HTTP transport).</summary>
    public string ControlPlaneUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>
    /// <c>http</c> (the default: the agent posts with its own token and the control plane enqueues), <c>servicebus</c> or
    /// <c>storage-queue</c>. An agent never gets the control plane's storage connection string, so workspace code that
    /// reads the agent's environment holds nothing but that one agent's token.
    /// </summary>
    public string Transport { get; set; } = "http";

    /// <summary>
    /// For the storage-queue transport only, and required by it: what agents connect with. It must grant no more than
    /// adding messages to the agent queue (a queue SAS with the add permission); the account key never goes here.
    /// </summary>
    public string? QueueConnectionString { get; set; }

    public string? ServiceBusNamespace { get; set; }
    public string ServiceBusQueue { get; set; } = "agent-events";

    /// <summary>Default heartbeat interval when the template does not set one.</summary>
    public int HeartbeatSeconds { get; set; } = 5;
    public int MetricsSeconds { get; set; } = 30;
    public int ReadyTimeoutSeconds { get; set; } = 120;

    /// <summary>How long a scale waits for the agents to answer its drain hint before it goes on without them.</summary>
    public int DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>Overrides the agent's heartbeat interval for every workspace (tests and benchmarks); it also turns the adaptive floor off for them.</summary>
    public int? HeartbeatOverrideSeconds { get; set; }

    /// <summary>
    /// The heartbeats per second one control plane budgets for its whole fleet: past it, the interval handed out doubles
    /// (from <see cref="HeartbeatSeconds"/>) until the fleet fits (<c>FleetHeartbeat</c>). 0 turns the adaptation off.
    /// </summary>
    public int FleetHeartbeatsPerSecond { get; set; } = 100;

    /// <summary>The longest interval the adaptation hands out.</summary>
    public int MaxHeartbeatSeconds { get; set; } = 60;

    /// <summary>How often the live agents are counted for the adaptation.</summary>
    public int FleetCountSeconds { get; set; } = 30;

    /// <summary>How long a built manifest's config version answers polls and ingest replies while nothing it is built from changed.</summary>
    public int ManifestCacheSeconds { get; set; } = 60;
}
