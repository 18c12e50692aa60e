namespace Coder.Contracts.Templates;

public sealed record TemplateRepository(string? Url, string? Path);
