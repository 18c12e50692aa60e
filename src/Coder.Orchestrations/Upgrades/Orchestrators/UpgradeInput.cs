using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>The input of a workspace upgrade. <see cref="WorkspaceOperationInput.OperationId"/> is also the instance id.</summary>
public sealed record UpgradeInput(WorkspaceOperationInput Operation, int FromVersion, int ToVersion, UpgradeStrategy Strategy);
