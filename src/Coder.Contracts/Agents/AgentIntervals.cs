namespace Coder.Contracts.Agents;

public sealed record AgentIntervals(int HeartbeatSeconds, int MetricsSeconds);
