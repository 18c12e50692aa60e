namespace Coder.Contracts.Templates;

public sealed record TemplateSummary(string Name, string? Description, string Provisioner, int ActiveVersion, int LatestVersion, DateTimeOffset CreatedAt);
