namespace Coder.Contracts.Templates;

public sealed record TemplateLimits(double? MaxCpu, int? MaxMemoryMiB, int? MaxReplicas);
