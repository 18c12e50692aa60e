namespace Coder.Contracts.Secrets;

/// <summary>The caller's dotfiles repository.</summary>
public sealed record DotfilesView(string Url, string? InstallScript, string? CredentialSecret, DateTimeOffset UpdatedAt);
