namespace Coder.Contracts.Connect;

/// <summary>A Send token for one connect session to one replica; it only needs to last until the WebSocket upgrade.</summary>
public sealed record ConnectResponse(string RelayUrl, string Path, string Token, DateTimeOffset ExpiresAt, string SessionId, string WorkspaceId, int Replica);
