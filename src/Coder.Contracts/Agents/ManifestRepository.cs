namespace Coder.Contracts.Agents;

/// <summary>A repository to clone at <see cref="Path"/> (relative to the workspace folder) before the startup scripts run.</summary>
public sealed record ManifestRepository(string Url, string Path, string? Ref = null, int? Depth = null, string? CredentialSecret = null);
