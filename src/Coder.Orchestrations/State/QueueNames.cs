namespace Coder.Orchestrations.State;

/// <summary>Storage queues. Trigger attributes need constants, so the names carry no prefix; prefixing happens per account.</summary>
public static class QueueNames
{
    /// <summary>Agent envelopes (the local transport; Service Bus on Azure).</summary>
    public const string AgentEvents = "agent-events";

    /// <summary>Signals for running orchestrations (agent lifecycle changes), raised by a function with a durable client.</summary>
    public const string WorkspaceSignals = "workspace-signals";
}
