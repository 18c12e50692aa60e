using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Agents;

public sealed record WorkspaceSignalMessage(string InstanceId, AgentSignal Signal);
