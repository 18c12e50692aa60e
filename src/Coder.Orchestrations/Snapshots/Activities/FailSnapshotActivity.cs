using Coder.Orchestrations.Snapshots.Orchestrators;

namespace Coder.Orchestrations.Snapshots.Activities;

/// <summary>Marks a snapshot that is still capturing as failed, with the reason. A ready snapshot is never touched. Idempotent.</summary>
public sealed class FailSnapshotActivity(SnapshotTable snapshots, TimeProvider time)
{
    public async Task<bool> RunAsync(SnapshotStepInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await snapshots.MutateAsync(input.WorkspaceId, input.SnapshotId, s =>
        {
            if (!s.IsIn(Contracts.Snapshots.SnapshotStatus.Capturing)) return false;
            s.Status = "failed";
            s.Error = input.Error;
            s.CompletedAt = now;
            return true;
        }, cancellationToken);
        return true;
    }
}
