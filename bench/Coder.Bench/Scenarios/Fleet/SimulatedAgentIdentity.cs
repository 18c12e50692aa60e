namespace Coder.Bench.Scenarios.Fleet;

/// <summary>What a real agent gets in its environment: its workspace, build, agent id and token, and where the control plane is.</summary>
sealed record SimulatedAgentIdentity(string WorkspaceId, string BuildId, string AgentId, string Token, Uri ControlPlane);
