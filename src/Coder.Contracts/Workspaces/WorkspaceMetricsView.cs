namespace Coder.Contracts.Workspaces;

public sealed record WorkspaceMetricsView(double? CpuPercent, double? MemoryPercent, long? DiskUsedBytes, int? Sessions);
