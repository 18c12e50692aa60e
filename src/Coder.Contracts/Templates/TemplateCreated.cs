namespace Coder.Contracts.Templates;

public sealed record TemplateCreated(string Name, int ActiveVersion);
