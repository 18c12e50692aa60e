using Coder.Contracts.Connect;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Connect;

/// <summary>
/// A user's way into a workspace: a Send token for one session to one replica's relay path, only for its owner or an
/// admin (anyone else gets the same 404 as for a missing workspace), only while it runs, and audited
/// (<c>workspace.connect</c> with the session id and replica, never the token).
/// </summary>
public sealed class WorkspaceConnectService(WorkspaceAccess access, RelayTokenService tokens, AuditLog audit)
{
    public const string AuditAction = "workspace.connect";

    public async Task<ConnectResponse> ConnectAsync(CallerIdentity caller, string workspaceId, ConnectRequest request, string? requestId, CancellationToken cancellationToken)
    {
        var workspace = await access.FindVisibleAsync(caller, workspaceId, cancellationToken);
        int replica = request.Replica ?? 0;
        if (replica < 0 || replica >= workspace.Replicas)
            throw CoderProblemException.Validation("replica", $"Replica {replica} does not exist; this workspace has replicas 0 to {workspace.Replicas - 1}.");
        if (!workspace.IsIn(WorkspaceStatus.Running, WorkspaceStatus.Updating))
            throw CoderProblemException.Conflict($"workspace is {workspace.Status}; `coder start {workspace.Name}`");
        if (!tokens.IsConfigured)
            throw new CoderProblemException(503, "No relay.", "This control plane has no relay configured (CODER_RELAY_URL, CODER_RELAY_KEY_NAME, CODER_RELAY_KEY).");

        var grant = await tokens.MintAsync(workspace.RowKey, replica, RelayRight.Send, cancellationToken);
        string sessionId = Guid.NewGuid().ToString();
        await audit.RecordAsync(
            new AuditEntry(caller.Actor, AuditAction, $"workspaces/{workspace.RowKey}", AuditResults.Succeeded, requestId, 200, $"sessionId={sessionId} replica={replica}"),
            cancellationToken);
        return new ConnectResponse(grant.RelayUrl, grant.Path, grant.Token, grant.ExpiresAt, sessionId, workspace.RowKey, replica, tokens.MaxConnections);
    }
}
