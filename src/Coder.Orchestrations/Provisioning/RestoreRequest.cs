namespace Coder.Orchestrations.Provisioning;

public sealed record RestoreRequest(string SnapshotId, string Location, string? ExpectedSha256);
