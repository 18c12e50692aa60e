using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Operations;

public sealed record OperationOutcome(bool Succeeded, WorkspaceStatus Status, string? Error = null);
