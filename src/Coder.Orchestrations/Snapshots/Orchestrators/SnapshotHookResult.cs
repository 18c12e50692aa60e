namespace Coder.Orchestrations.Snapshots.Orchestrators;

public sealed record SnapshotHookResult(bool Succeeded, string Message);
