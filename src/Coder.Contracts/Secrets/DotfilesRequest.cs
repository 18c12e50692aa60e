namespace Coder.Contracts.Secrets;

/// <summary>PUT /api/users/me/dotfiles.</summary>
public sealed record DotfilesRequest(string? Url, string? InstallScript = null, string? CredentialSecret = null);
