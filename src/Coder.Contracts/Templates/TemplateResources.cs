namespace Coder.Contracts.Templates;

public sealed record TemplateResources(double? Cpu, int? MemoryMiB, int? DiskGiB = null);
