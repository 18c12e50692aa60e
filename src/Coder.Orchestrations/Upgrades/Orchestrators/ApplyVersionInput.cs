using Coder.Orchestrations.Operations;


namespace Coder.Orchestrations.Upgrades.Orchestrators;

public sealed record ApplyVersionInput(WorkspaceOperationInput Operation, int Version);
