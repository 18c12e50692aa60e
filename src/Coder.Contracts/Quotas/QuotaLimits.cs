namespace Coder.Contracts.Quotas;

/// <summary>An owner's (or the default) allocation limits (API.md "Quotas"); null is no limit (an owner's null falls back to the default's).</summary>
public sealed record QuotaLimits(int? MaxWorkspaces = null, int? MaxRunningWorkspaces = null, double? MaxCpu = null, int? MaxMemoryMiB = null);
