namespace Coder.Orchestrations.Provisioning;

/// <param name="Location">Where the snapshot lives (a manifest blob, a share snapshot, a disk snapshot id).</param>
/// <param name="UploadedBytes">Bytes actually written for this snapshot (incremental stores write less than <paramref name="SizeBytes"/>).</param>
public sealed record SnapshotCapture(string Location, long SizeBytes, string Sha256, long UploadedBytes);
