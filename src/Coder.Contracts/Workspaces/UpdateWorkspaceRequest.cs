using System.Text.Json;

namespace Coder.Contracts.Workspaces;

/// <summary>
/// Body of <c>PATCH /api/workspaces/{id}</c>. A size or replica change starts a scale operation (202); parameters alone
/// are one conditional write of the workspace (200), applied on the next start.
/// </summary>
public sealed record UpdateWorkspaceRequest
{
    public WorkspaceSize? Size { get; init; }
    public int? Replicas { get; init; }

    /// <summary>New values of mutable template parameters, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Parameters { get; init; }
}
