using Coder.Orchestrations.Snapshots.Storage;

namespace Coder.Orchestrations.Snapshots;

public sealed record RetentionResult(IReadOnlyList<string> Deleted, RetentionPlan Plan, GarbageCollectionResult Collection);
