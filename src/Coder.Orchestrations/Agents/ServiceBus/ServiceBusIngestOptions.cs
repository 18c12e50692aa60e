namespace Coder.Orchestrations.Agents.ServiceBus;

/// <summary>Where the control plane drains agent events from Service Bus (the production transport).</summary>
public sealed class ServiceBusIngestOptions
{
    public const string Section = "Coder:Agent:ServiceBus";

    /// <summary>The namespace host (<c>x.servicebus.windows.net</c>), reached with the managed identity.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Alternatively a connection string (development namespaces).</summary>
    public string? ConnectionString { get; set; }

    public string QueueName { get; set; } = "agent-events";

    /// <summary>Messages asked for per receive call.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a receive waits for the first message; an empty receive means the queue is idle and the drain ends.</summary>
    public TimeSpan IdleWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most one drain runs, so a busy queue cannot hold a timer invocation (and its message locks) forever.</summary>
    public TimeSpan MaxDrainTime { get; set; } = TimeSpan.FromSeconds(45);

    public bool IsConfigured => FullyQualifiedNamespace is { Length: > 0 } || ConnectionString is { Length: > 0 };
}
