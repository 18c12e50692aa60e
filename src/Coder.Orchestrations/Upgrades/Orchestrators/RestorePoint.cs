namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>A snapshot taken before an upgrade, to roll back to.</summary>
public sealed record RestorePoint(string SnapshotId, string Location, string Sha256, long SizeBytes);
