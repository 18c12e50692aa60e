namespace Coder.Contracts.Templates;

public sealed record TemplateVersionInfo(int Version, DateTimeOffset CreatedAt, string? CreatedBy, bool Active);
