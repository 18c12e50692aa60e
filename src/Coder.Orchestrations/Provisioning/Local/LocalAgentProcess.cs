namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>An agent process found in /proc, with the identity its environment carries.</summary>
/// <param name="ComputeName">The compute instance it belongs to (see <see cref="WorkspaceRef.ComputeName"/>).</param>
public sealed record LocalAgentProcess(int Pid, string WorkspaceId, string? BuildId, int Replica, string? AgentId, string ComputeName);
