using System.Collections;
using System.Globalization;
using Coder.Agent.Connect;
using Coder.Connect.Protocol;

namespace Coder.Agent.Configuration;

/// <summary>
/// The agent's configuration, read from the environment the provisioner sets (the binding contract with the control plane's
/// provisioners). <see cref="Token"/> is a secret: it is never logged and never passed on to scripts.
/// </summary>
public sealed record AgentSettings
{
    public required string WorkspaceId { get; init; }
    public required string AgentId { get; init; }
    public required string Token { get; init; }
    public string? Build { get; init; }
    public int Replica { get; init; }
    public required Uri ControlPlaneUrl { get; init; }
    public AgentTransportKind Transport { get; init; } = AgentTransportKind.Http;
    public string? QueueConnection { get; init; }
    public string QueueName { get; init; } = "agent-events";
    public string? ServiceBusConnection { get; init; }
    public string? ServiceBusNamespace { get; init; }
    public string ServiceBusQueue { get; init; } = "agent-events";

    /// <summary>Client id of the workspace's own user-assigned identity (<c>AZURE_CLIENT_ID</c>, set by the aci and vm provisioners).</summary>
    public string? IdentityClientId { get; init; }
    public required string WorkspaceDirectory { get; init; }
    public required string StateDirectory { get; init; }
    public int? HeartbeatSecondsOverride { get; init; }
    public int OutboxCapacity { get; init; } = 10_000;
    public TimeSpan ShutdownFlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Sessions one user connection may hold open at once (<c>CODER_AGENT_MAX_SESSIONS_PER_CONNECTION</c>).</summary>
    public int MaxSessionsPerConnection { get; init; } = MuxOptions.DefaultMaxSessionsPerConnection;

    public string SocketPath => Path.Combine(StateDirectory, "agent.sock");

    /// <summary>What a user connection's sessions run with: the workspace's home and the per-connection cap.</summary>
    public MuxOptions ConnectOptions => new() { WorkspaceDirectory = WorkspaceDirectory, MaxSessionsPerConnection = MaxSessionsPerConnection };

    /// <summary>Variables that carry secrets and so are removed from the environment of scripts and plugins.</summary>
    public static IReadOnlyList<string> SecretVariables { get; } =
        ["CODER_AGENT_TOKEN", "CODER_AGENT_QUEUE_CONNECTION", "CODER_AGENT_SERVICEBUS_CONNECTION"];

    /// <summary>Removes <see cref="SecretVariables"/> from an environment a workspace process (script, plugin, session) starts with.</summary>
    public static void RemoveSecrets(IDictionary<string, string?> environment)
    {
        foreach (string secret in SecretVariables) environment.Remove(secret);
    }

    public static AgentSettings FromEnvironment() => FromVariables(Environment.GetEnvironmentVariables());

    public static AgentSettings FromVariables(IDictionary variables)
    {
        string? Get(string name) => variables[name] is string { Length: > 0 } value ? value : null;
        string Require(string name) => Get(name) ?? throw new AgentConfigurationException($"{name} is required.");

        string workspaceDir = Path.GetFullPath(Get("CODER_WORKSPACE_DIR") ?? Directory.GetCurrentDirectory());
        int replica = ParseInt(Get("CODER_AGENT_REPLICA"), "CODER_AGENT_REPLICA") ?? 0;
        var transport = (Get("CODER_AGENT_TRANSPORT") ?? "http") switch
        {
            "storage-queue" => AgentTransportKind.StorageQueue,
            "servicebus" => AgentTransportKind.ServiceBus,
            "http" => AgentTransportKind.Http,
            var other => throw new AgentConfigurationException($"CODER_AGENT_TRANSPORT '{other}' is not one of storage-queue, servicebus, http."),
        };
        string url = Require("CODER_URL");
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUri))
        {
            throw new AgentConfigurationException("CODER_URL is not an absolute URL.");
        }

        var settings = new AgentSettings
        {
            WorkspaceId = Require("CODER_WORKSPACE_ID"),
            AgentId = Require("CODER_AGENT_ID"),
            Token = Require("CODER_AGENT_TOKEN"),
            Build = Get("CODER_AGENT_BUILD"),
            Replica = replica,
            ControlPlaneUrl = baseUri,
            Transport = transport,
            QueueConnection = Get("CODER_AGENT_QUEUE_CONNECTION"),
            QueueName = Get("CODER_AGENT_QUEUE_NAME") ?? "agent-events",
            ServiceBusConnection = Get("CODER_AGENT_SERVICEBUS_CONNECTION"),
            ServiceBusNamespace = Get("CODER_AGENT_SERVICEBUS_NAMESPACE"),
            ServiceBusQueue = Get("CODER_AGENT_SERVICEBUS_QUEUE") ?? "agent-events",
            IdentityClientId = Get("AZURE_CLIENT_ID"),
            WorkspaceDirectory = workspaceDir,
            StateDirectory = Path.GetFullPath(Get("CODER_AGENT_STATE_DIR")
                ?? Path.Combine(workspaceDir, ".coder-agent", replica.ToString(CultureInfo.InvariantCulture))),
            HeartbeatSecondsOverride = ParseInt(Get("CODER_AGENT_HEARTBEAT_SECONDS"), "CODER_AGENT_HEARTBEAT_SECONDS"),
            OutboxCapacity = ParseInt(Get("CODER_AGENT_OUTBOX_CAPACITY"), "CODER_AGENT_OUTBOX_CAPACITY") ?? 10_000,
            ShutdownFlushTimeout = TimeSpan.FromSeconds(ParseInt(Get("CODER_AGENT_FLUSH_SECONDS"), "CODER_AGENT_FLUSH_SECONDS") ?? 5),
            MaxSessionsPerConnection = ParseInt(Get("CODER_AGENT_MAX_SESSIONS_PER_CONNECTION"), "CODER_AGENT_MAX_SESSIONS_PER_CONNECTION")
                ?? MuxOptions.DefaultMaxSessionsPerConnection,
        };
        settings.Validate();
        return settings;
    }

    void Validate()
    {
        switch (Transport)
        {
            case AgentTransportKind.StorageQueue when QueueConnection is null:
                throw new AgentConfigurationException("CODER_AGENT_QUEUE_CONNECTION is required for the storage-queue transport.");
            case AgentTransportKind.ServiceBus when ServiceBusConnection is null && ServiceBusNamespace is null:
                throw new AgentConfigurationException(
                    "CODER_AGENT_SERVICEBUS_CONNECTION or CODER_AGENT_SERVICEBUS_NAMESPACE is required for the servicebus transport.");
        }
        if (MaxSessionsPerConnection < 1)
        {
            throw new AgentConfigurationException("CODER_AGENT_MAX_SESSIONS_PER_CONNECTION must be at least 1.");
        }
        if (OutboxCapacity < 16)
        {
            throw new AgentConfigurationException("CODER_AGENT_OUTBOX_CAPACITY must be at least 16.");
        }
    }

    static int? ParseInt(string? value, string name) =>
        value is null ? null
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= 0 ? parsed
        : throw new AgentConfigurationException($"{name} must be a non-negative integer.");
}
