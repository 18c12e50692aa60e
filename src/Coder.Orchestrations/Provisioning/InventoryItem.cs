namespace Coder.Orchestrations.Provisioning;

/// <summary>Something that really exists on a platform, tagged with the workspace it belongs to.</summary>
/// <param name="WorkspaceId">The <c>coder-workspace-id</c> tag.</param>
/// <param name="RunningReplicas">How many compute units run right now.</param>
public sealed record InventoryItem(string Provisioner, string WorkspaceId, string ResourceId, bool Running, int RunningReplicas, string? BuildId, IReadOnlyDictionary<string, string> Tags);
