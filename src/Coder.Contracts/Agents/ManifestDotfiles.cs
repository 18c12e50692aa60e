namespace Coder.Contracts.Agents;

/// <summary>The owner's dotfiles repository: cloned once into the workspace, then installed (their script, or links).</summary>
public sealed record ManifestDotfiles(string Url, string? InstallScript = null, string? CredentialSecret = null);
