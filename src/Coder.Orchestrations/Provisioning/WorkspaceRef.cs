namespace Coder.Orchestrations.Provisioning;

/// <summary>Identifies a workspace's resources on a platform.</summary>
public sealed record WorkspaceRef(string WorkspaceId, string Owner);
