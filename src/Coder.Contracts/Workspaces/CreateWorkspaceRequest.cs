using System.Text.Json;

namespace Coder.Contracts.Workspaces;

public sealed record CreateWorkspaceRequest
{
    public string? Name { get; init; }
    public string? Template { get; init; }
    public int? TemplateVersion { get; init; }
    public WorkspaceSize? Size { get; init; }
    public int? Replicas { get; init; }
    public string? FromSnapshot { get; init; }

    /// <summary>Values of the template version's parameters, by name; omitted ones take their defaults.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Parameters { get; init; }
}
