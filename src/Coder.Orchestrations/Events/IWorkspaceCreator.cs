using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Security;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Events;

/// <summary>
/// Creates a workspace as if its owner had asked (the same validation, claim and provision a POST makes), for a
/// <c>Coder.Workspace.Requested</c> event. The workspace feature registers its own implementation, so event handling
/// does not depend on it.
/// </summary>
public interface IWorkspaceCreator
{
    Task<WorkspaceAccepted> CreateAsync(CallerIdentity caller, CreateWorkspaceRequest request, DurableTaskClient client, CancellationToken cancellationToken);
}
