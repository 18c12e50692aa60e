using Coder.Orchestrations.Provisioning.Local.ChunkStore;

namespace Coder.Orchestrations.Snapshots;

public sealed record RetentionResult(IReadOnlyList<string> Deleted, RetentionPlan Plan, GarbageCollectionResult Collection);
