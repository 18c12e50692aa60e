using Coder.Orchestrations.Operations;


namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="GreenBuild">The build the switch makes live; a redelivered switch finds it live already.</param>
public sealed record SwitchToGreenInput(WorkspaceOperationInput Operation, string GreenBuild);
