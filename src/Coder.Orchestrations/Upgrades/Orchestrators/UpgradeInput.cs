using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>The input of a workspace upgrade. <see cref="WorkspaceOperationInput.OperationId"/> is also the instance id.</summary>
public sealed record UpgradeInput(WorkspaceOperationInput Operation, int FromVersion, int ToVersion, UpgradeStrategy Strategy);
