namespace Coder.Contracts.Connect;

/// <summary>GET /api/agent/ssh-keys: the workspace owner's registered public keys, one authorized_keys line each.</summary>
public sealed record AuthorizedKeysResponse(IReadOnlyList<string> AuthorizedKeys);
