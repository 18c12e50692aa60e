using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

public sealed record ApplyVersionInput(WorkspaceOperationInput Operation, int Version);
