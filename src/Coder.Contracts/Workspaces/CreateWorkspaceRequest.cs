namespace Coder.Contracts.Workspaces;

public sealed record CreateWorkspaceRequest
{
    public string? Name { get; init; }
    public string? Template { get; init; }
    public int? TemplateVersion { get; init; }
    public WorkspaceSize? Size { get; init; }
    public int? Replicas { get; init; }
    public string? FromSnapshot { get; init; }
}
