namespace Coder.Contracts.Agents;

/// <summary>An executable in the workspace's plugins folder, run on its own interval.</summary>
public sealed record AgentPlugin(string Name, string Command, int IntervalSeconds = 60, int TimeoutSeconds = 10);
