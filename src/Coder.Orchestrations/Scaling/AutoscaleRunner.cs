using System.Globalization;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Timeline;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Scaling;

/// <summary>
/// One autoscale pass (the timer's body): every running workspace whose template autoscales gets a decision from
/// <see cref="AutoscalePolicy"/>. Up and down start the same scale operation PATCH does (actor <c>autoscaler</c>); dry-run
/// only records. Every change, wanted change held back, and dry-run verdict goes to the timeline with its numbers; a
/// steady "nothing to do" is written when its reason changes, not every period.
/// </summary>
public sealed partial class AutoscaleRunner(
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    TemplateStore templates,
    ScaleOperations scaling,
    WorkspaceMetricsHistory history,
    WorkspaceTimeline timeline,
    AuditLog audit,
    TimeProvider time,
    ILogger<AutoscaleRunner> logger)
{
    public const string Actor = "autoscaler";
    public const string RequestReason = "autoscale";

    public async Task<AutoscalePassResult> RunOnceAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var settingsByVersion = new Dictionary<(string, int), AutoscaleSettings?>();
        int evaluated = 0, started = 0;
        await foreach (var workspace in workspaces.ScanAsync(cancellationToken))
        {
            if (!workspace.IsIn(Contracts.Workspaces.WorkspaceStatus.Running) || workspace.OperationId is not null) continue;
            var key = (workspace.Template, workspace.TemplateVersion);
            if (!settingsByVersion.TryGetValue(key, out var settings))
            {
                var template = await templates.GetVersionAsync(workspace.Template, workspace.TemplateVersion, cancellationToken);
                settingsByVersion[key] = settings = template is null ? null : AutoscaleSettings.From(template.Spec);
            }

            if (settings is null) continue;
            evaluated++;
            try
            {
                if (await EvaluateAsync(workspace, settings, client, cancellationToken)) started++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One workspace's failure must not stop the pass for the others.
                LogEvaluationFailed(logger, workspace.RowKey, e);
            }
        }

        return new AutoscalePassResult(evaluated, started);
    }

    /// <summary>Decides for one workspace, acts unless dry-run, and records. True when a scale operation was started.</summary>
    public async Task<bool> EvaluateAsync(WorkspaceEntity workspace, AutoscaleSettings settings, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var read = history.ReadAsync(workspace.RowKey, AutoscalePolicy.SessionPeakWindow + settings.ScaleDownAfter, cancellationToken);
        var observed = agents.ObserveAsync(workspace, cancellationToken);
        var (buckets, agent) = (await read, await observed);
        var decision = AutoscalePolicy.Decide(new AutoscaleInput(
            settings, workspace.Cpu, workspace.MemoryMiB, now, workspace.LastScaledAt, agent.Sessions ?? 0, history.BucketLength, buckets) { Replicas = workspace.Replicas });

        string? operationId = null;
        string kind = decision.Held ? "autoscale.held" : decision.Action switch
        {
            AutoscaleAction.Up => "autoscale.up",
            AutoscaleAction.Down => "autoscale.down",
            _ => "autoscale.none",
        };
        string message = decision.Message;
        string reason = decision.Reason;
        if (decision.Action != AutoscaleAction.None)
        {
            if (settings.Mode == AutoscaleMode.DryRun)
            {
                kind = "autoscale.dry-run";
                message = "Dry run, nothing changed. " + message;
            }
            else
            {
                var target = new ScaleTarget(decision.NewCpu, decision.NewMemoryMiB, decision.NewReplicas ?? workspace.Replicas, workspace.Cpu, workspace.MemoryMiB, workspace.Replicas);
                try
                {
                    operationId = await scaling.StartAsync(workspace, target, Actor, RequestReason + ":" + decision.Reason, client, cancellationToken);
                }
                catch (CoderProblemException e) when (e.Status == 409)
                {
                    // A user's operation got there first; the next pass decides again on fresh state.
                    kind = "autoscale.held";
                    reason = AutoscaleReasons.OperationRunning;
                    message = $"Held: operation {e.OperationId} is running on the workspace. " + message;
                }
            }
        }

        bool quiet = kind == "autoscale.none";
        if (quiet && workspace.AutoscaleLastReason == reason) return false;
        await timeline.AppendAsync(workspace.RowKey, new TimelineEntry(
            now, "autoscale-" + now.UtcTicks.ToString(CultureInfo.InvariantCulture), kind, message, reason, Actor, operationId), cancellationToken);
        if (operationId is not null)
        {
            await audit.RecordAsync(new AuditEntry(Actor, kind, $"workspaces/{workspace.RowKey}", AuditResults.Succeeded, Detail: reason), cancellationToken);
        }
        if (workspace.AutoscaleLastReason != reason)
        {
            await workspaces.MutateAsync(workspace.PartitionKey, workspace.RowKey, w =>
            {
                if (w.AutoscaleLastReason == reason) return false;
                w.AutoscaleLastReason = reason;
                return true;
            }, cancellationToken);
        }

        LogDecision(logger, workspace.RowKey, kind, reason, decision.NewCpu, decision.NewMemoryMiB, decision.NewReplicas ?? workspace.Replicas);
        return operationId is not null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Autoscale {WorkspaceId}: {Kind} ({Reason}) → {Cpu} CPU, {MemoryMiB} MiB, {Replicas} replica(s)")]
    static partial void LogDecision(ILogger logger, string workspaceId, string kind, string reason, double cpu, int memoryMiB, int replicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Autoscale evaluation of workspace {WorkspaceId} failed")]
    static partial void LogEvaluationFailed(ILogger logger, string workspaceId, Exception exception);
}
