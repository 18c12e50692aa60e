namespace Coder.Contracts.Connect;

/// <summary>
/// A Send token for one connect session to one replica; it only needs to last until the WebSocket upgrade.
/// <paramref name="MaxConnections"/> is the relayed connections the replica's agent takes at once (the manifest's
/// <c>connect.maxConnections</c>), for a client refused with 429 to say so.
/// </summary>
public sealed record ConnectResponse(string RelayUrl, string Path, string Token, DateTimeOffset ExpiresAt, string SessionId, string WorkspaceId, int Replica, int MaxConnections);
