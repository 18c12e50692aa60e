using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="RolledBack">The upgrade failed and the workspace is back on its old version.</param>
/// <param name="OrchestrationVersion">The orchestration version the upgrade ran under.</param>
public sealed record UpgradeOutcome(bool Succeeded, WorkspaceStatus Status, bool RolledBack, string? Reason, string? Error, string? OrchestrationVersion);
