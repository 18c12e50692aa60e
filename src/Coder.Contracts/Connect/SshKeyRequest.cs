namespace Coder.Contracts.Connect;

/// <summary>PUT /api/users/me/ssh-key.</summary>
public sealed record SshKeyRequest(string? PublicKey);
