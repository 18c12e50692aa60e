namespace Coder.Contracts.Templates;

public sealed record TemplateVersionCreated(string Name, int Version);
