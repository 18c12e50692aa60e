using System.Text.Json;

namespace Coder.Contracts.Workspaces;

/// <summary>
/// Body of <c>PATCH /api/workspaces/{id}</c>. A size or replica change starts a scale operation (202); parameters and
/// schedule alone are one conditional write of the workspace (200); parameters apply on the next start.
/// </summary>
public sealed record UpdateWorkspaceRequest
{
    public WorkspaceSize? Size { get; init; }
    public int? Replicas { get; init; }

    /// <summary>New values of mutable template parameters, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Parameters { get; init; }

    /// <summary>The workspace's own schedule (autostart, auto-stop, deadline); replaces the one it had.</summary>
    public WorkspaceSchedule? Schedule { get; init; }
}
