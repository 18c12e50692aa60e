namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>An agent process found in /proc, with the identity its environment carries.</summary>
public sealed record LocalAgentProcess(int Pid, string WorkspaceId, string? BuildId, int Replica, string? AgentId);
