using Coder.Orchestrations.Snapshots;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Snapshots;

/// <summary>Every minute: scheduled snapshots per template policy, then retention and chunk garbage collection.</summary>
public sealed class SnapshotScheduleFunction(SnapshotScheduler scheduler)
{
    [Function(nameof(SnapshotSchedule))]
    public Task SnapshotSchedule([TimerTrigger("0 * * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        scheduler.RunAsync(client, cancellationToken);
}
