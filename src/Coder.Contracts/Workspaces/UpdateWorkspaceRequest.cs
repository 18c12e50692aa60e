namespace Coder.Contracts.Workspaces;

/// <summary>
/// PATCH /api/workspaces/{id}: a size or replica change starts a scale operation (202); <see cref="Schedule"/> alone is
/// one conditional write of the workspace (200).
/// </summary>
public sealed record UpdateWorkspaceRequest(WorkspaceSize? Size = null, int? Replicas = null, WorkspaceSchedule? Schedule = null);
