namespace Coder.Contracts.Templates;

public sealed record SnapshotPolicy(int? IntervalMinutes, int? KeepLast, int? KeepDays);
