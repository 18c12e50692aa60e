namespace Coder.Contracts.Quotas;

/// <summary>What an owner's workspaces declare: workspaces not deleted, those meant to run, and the cpu and memory of those (times replicas).</summary>
public sealed record QuotaUsage(int Workspaces, int RunningWorkspaces, double Cpu, int MemoryMiB);
