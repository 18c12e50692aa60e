using Coder.Contracts.Templates;

namespace Coder.Orchestrations.Templates;

/// <summary>A stored, immutable template version.</summary>
public sealed record TemplateVersion(string Name, int Version, TemplateSpec Spec, DateTimeOffset CreatedAt);
