namespace Coder.Contracts.Workspaces;

/// <summary>CPU cores and memory. <see cref="Enforced"/> is set in responses only: false when the limit is advisory.</summary>
public sealed record WorkspaceSize(double? Cpu, int? MemoryMiB, bool? Enforced = null);
