namespace Coder.Orchestrations.Agents.ServiceBus;

/// <summary>What one drain did.</summary>
public sealed record ServiceBusDrainResult(int Received, int Completed, int Abandoned, int DeadLettered, bool Idle);
