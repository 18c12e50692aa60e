using Coder.Orchestrations.Operations;


namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="ComputeName">One compute instance of the workspace (see <see cref="Provisioning.WorkspaceRef.ComputeName"/>).</param>
public sealed record ComputeInstanceInput(WorkspaceOperationInput Operation, string ComputeName);
