using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Events;

/// <summary>The data of a <c>Coder.Workspace.Requested</c> event: a create-workspace request plus the user it is for.</summary>
public sealed record WorkspaceRequestedData
{
    public string? Owner { get; init; }
    public string? Name { get; init; }
    public string? Template { get; init; }
    public int? TemplateVersion { get; init; }
    public WorkspaceSize? Size { get; init; }
    public int? Replicas { get; init; }
}
