namespace Coder.Contracts.Templates;

/// <summary>
/// A repository the agent clones before the startup scripts run: <see cref="Path"/> defaults to the repository's name,
/// <see cref="Ref"/> to its default branch; a private one names the owner's secret that holds its credential.
/// </summary>
public sealed record TemplateRepository(string? Url, string? Path = null, string? Ref = null, int? Depth = null, string? CredentialSecret = null);
