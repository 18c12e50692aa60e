using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Operations;

/// <summary>Which orchestration runs an operation kind, and the status a workspace shows while it runs.</summary>
public static class WorkspaceOrchestrations
{
    public static string OrchestratorFor(OperationKind kind) => kind switch
    {
        OperationKind.Provision => nameof(ProvisionWorkspaceOrchestrator),
        OperationKind.Start => nameof(StartWorkspaceOrchestrator),
        OperationKind.Stop => nameof(StopWorkspaceOrchestrator),
        OperationKind.Restart => nameof(RestartWorkspaceOrchestrator),
        OperationKind.Delete => nameof(DeleteWorkspaceOrchestrator),
        OperationKind.Scale => nameof(ScaleWorkspaceOrchestrator),
        _ => throw new NotSupportedException($"No orchestration runs '{kind}' operations yet."),
    };

    public static WorkspaceStatus TransitionalStatus(OperationKind kind) => kind switch
    {
        OperationKind.Provision => WorkspaceStatus.Pending,
        OperationKind.Start => WorkspaceStatus.Starting,
        OperationKind.Stop => WorkspaceStatus.Stopping,
        OperationKind.Restart => WorkspaceStatus.Stopping,
        OperationKind.Delete => WorkspaceStatus.Deleting,
        _ => WorkspaceStatus.Updating,
    };
}
