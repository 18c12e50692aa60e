using Coder.Orchestrations.Operations;


namespace Coder.Orchestrations.Agents;

public sealed record WorkspaceSignalMessage(string InstanceId, AgentSignal Signal);
