namespace Coder.Cli.Connect;

/// <summary>
/// The answer of <c>POST /api/workspaces/{id}/connect</c>: where the workspace replica's agent listens on the relay and a
/// short-lived Send token for it. The token is a secret: it is only ever handed to the relay client, never printed.
/// </summary>
public sealed record ConnectTicket(Uri RelayUrl, string Path, string Token, DateTimeOffset ExpiresAt, string SessionId, string WorkspaceId, int Replica, int MaxConnections)
{
    /// <summary>Everything but the token, should a ticket ever be printed or logged.</summary>
    public override string ToString() => $"{RelayUrl} {Path} session {SessionId} (workspace {WorkspaceId}, replica {Replica}, expires {ExpiresAt:O})";
}
