namespace Coder.Orchestrations.Operations;

public sealed record AgentCheckInput(string WorkspaceId, string Owner, string BuildId);
