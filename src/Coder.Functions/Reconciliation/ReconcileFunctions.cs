using Coder.Orchestrations.Reconciliation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Reconciliation;

/// <summary>
/// The reconcile timer. Both hosts run it as a singleton: the Functions host by its blob lease on timer triggers, the
/// local host by <c>TimerTriggerScheduler</c>'s lease and last-occurrence record, so every period runs once.
/// </summary>
public sealed class ReconcileFunctions(ReconcilerService reconciler)
{
    /// <summary>The app setting holding the schedule (NCRONTAB with seconds; <see cref="ReconcileOptions.DefaultSchedule"/> by default).</summary>
    public const string ScheduleSetting = "CODER_RECONCILE_SCHEDULE";

    [Function(nameof(ReconcileTimer))]
    public Task ReconcileTimer([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        reconciler.RunPassAsync(timer.IsPastDue ? "timer-past-due" : "timer", client,
            timer.ScheduleStatus?.Next is { } next && next != default ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null, cancellationToken);
}
