using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Workspaces;

/// <summary>What a PATCH did: settings written (200, <see cref="Updated"/>), or an operation started (202, <see cref="Accepted"/>).</summary>
public sealed record WorkspaceUpdateResult(Versioned<WorkspaceResponse>? Updated, OperationAccepted? Accepted);
