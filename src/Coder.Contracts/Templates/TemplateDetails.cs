namespace Coder.Contracts.Templates;

/// <summary>GET /api/templates/{name}: the active version's spec plus every version.</summary>
public sealed record TemplateDetails(string Name, int ActiveVersion, TemplateSpec Spec, IReadOnlyList<TemplateVersionInfo> Versions);
