namespace Coder.Orchestrations.Workspaces.Orchestrators;

public sealed record AgentCheckInput(string WorkspaceId, string Owner, string BuildId);
