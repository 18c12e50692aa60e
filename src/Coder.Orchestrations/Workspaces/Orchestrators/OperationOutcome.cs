using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

public sealed record OperationOutcome(bool Succeeded, WorkspaceStatus Status, string? Error = null);
