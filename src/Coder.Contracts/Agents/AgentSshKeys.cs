namespace Coder.Contracts.Agents;

/// <summary>GET /api/agent/ssh-keys: the workspace owner's registered public keys, one OpenSSH authorized_keys line each.</summary>
public sealed record AgentSshKeys(IReadOnlyList<string> AuthorizedKeys);
