namespace Coder.Orchestrations.Snapshots.Orchestrators;

public sealed record SnapshotCaptureResult(string SnapshotId, long SizeBytes, string Sha256, long UploadedBytes);
