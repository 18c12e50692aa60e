using Coder.Contracts.Snapshots;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Snapshots;

/// <summary>
/// The scheduled-snapshot timer's logic: every workspace whose template sets <c>snapshots.intervalMinutes</c> and whose
/// newest snapshot is older than that gets a scheduled snapshot (skipped while another operation runs; the next tick
/// tries again), then retention and garbage collection run.
/// </summary>
public sealed partial class SnapshotScheduler(
    WorkspaceStore workspaces,
    TemplateStore templates,
    SnapshotTable snapshots,
    SnapshotService service,
    SnapshotRetentionRunner retention,
    TimeProvider time,
    ILogger<SnapshotScheduler> logger)
{
    static readonly CallerIdentity Scheduler = new("system", new HashSet<string> { Contracts.Auth.Roles.Admin }, "snapshot-schedule");

    public async Task<RetentionResult> RunAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await foreach (var w in workspaces.ScanAsync(cancellationToken))
        {
            if (!w.IsIn(Contracts.Workspaces.WorkspaceStatus.Running, Contracts.Workspaces.WorkspaceStatus.Stopped) || w.OperationId is not null) continue;
            var policy = (await templates.GetVersionAsync(w.Template, w.TemplateVersion, cancellationToken))?.Spec.Snapshots;
            if (policy?.IntervalMinutes is not { } interval || interval < 1) continue;
            var newest = (await snapshots.ListAsync(w.RowKey, cancellationToken)).Where(s => !s.IsIn(SnapshotStatus.Failed)).Select(s => (DateTimeOffset?)s.CreatedAt).Max();
            if (newest is { } last && now - last < TimeSpan.FromMinutes(interval)) continue;
            try
            {
                var accepted = await service.RequestSnapshotAsync(Scheduler, w.RowKey, new CreateSnapshotRequest { Label = "scheduled" }, client, trigger: "scheduled", cancellationToken);
                LogScheduled(logger, accepted.SnapshotId, w.RowKey);
            }
            catch (CoderProblemException e) when (e.Status == 409)
            {
                // Another operation started meanwhile; the next tick tries again.
            }
        }

        return await retention.RunAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled snapshot {SnapshotId} of workspace {WorkspaceId}")]
    static partial void LogScheduled(ILogger logger, string snapshotId, string workspaceId);
}
