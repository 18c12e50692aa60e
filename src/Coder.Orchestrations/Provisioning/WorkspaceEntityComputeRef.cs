using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Provisioning;

/// <summary>Which resources of a workspace row the provisioner acts on; lives here so the State rows never name Provisioning.</summary>
public static class WorkspaceEntityComputeRef
{
    /// <summary>The live instance's resources.</summary>
    public static WorkspaceRef ComputeRef(this WorkspaceEntity workspace) => new(workspace.RowKey, workspace.PartitionKey, workspace.ComputeInstance);
}
