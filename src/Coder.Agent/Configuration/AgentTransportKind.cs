namespace Coder.Agent.Configuration;

/// <summary>How events leave the outbox (<c>CODER_AGENT_TRANSPORT</c>).</summary>
public enum AgentTransportKind
{
    StorageQueue,
    ServiceBus,
    Http,
}
