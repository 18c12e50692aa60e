using Coder.Contracts.Agents;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Workspaces.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// The steps every workspace orchestration is made of. Runs inside orchestrator code, so it only schedules activities
/// and timers and reads orchestration time: deterministic on replay.
/// </summary>
public sealed class WorkspaceOperationFlow(TaskOrchestrationContext context, WorkspaceOperationInput input)
{
    /// <summary>Activities are idempotent, so transient failures are retried.</summary>
    static readonly TaskOptions Retry = ActivityRetry.Options;

    /// <summary>How long to wait for an agent signal before reading state again, in case a signal was lost.</summary>
    static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    public WorkspaceOperationInput Input => input;

    public Task StepAsync(string step, WorkspaceStatus? status, string message, string? reason = null) =>
        context.CallActivityAsync<bool>(nameof(RecordOperationStepActivity), new OperationStepInput(input, context.CurrentUtcDateTime, step, status, message, reason), Retry);

    public Task<EnsureWorkspaceResult> EnsureAsync() =>
        context.CallActivityAsync<EnsureWorkspaceResult>(nameof(EnsureWorkspaceActivity), input, Retry);

    /// <summary>The <c>started</c> step and the ensure as one activity (<see cref="OrchestrationVersions.ProvisionFoldedSteps"/>).</summary>
    public Task<EnsureWorkspaceResult> StartAndEnsureAsync(WorkspaceStatus status, string message) =>
        context.CallActivityAsync<EnsureWorkspaceResult>(nameof(ProvisionComputeActivity), new OperationStepInput(input, context.CurrentUtcDateTime, "started", status, message), Retry);

    /// <summary>The <c>agent-starting</c> step and the build's first agent check as one activity; the check's result is returned.</summary>
    public Task<AgentCheckResult> AgentStartingAsync(EnsureWorkspaceResult ensure, string message, string? reason) =>
        context.CallActivityAsync<AgentCheckResult>(nameof(AgentStartingActivity),
            new AgentStartingInput(new OperationStepInput(input, context.CurrentUtcDateTime, "agent-starting", null, message, reason), ensure.BuildId), Retry);

    public Task StopAsync() => context.CallActivityAsync<bool>(nameof(StopWorkspaceActivity), input, Retry);

    public Task DestroyAsync() => context.CallActivityAsync<bool>(nameof(DestroyWorkspaceActivity), input, Retry);

    public async Task<OperationOutcome> SucceedAsync(WorkspaceStatus status, string message)
    {
        await context.CallActivityAsync<bool>(nameof(CompleteOperationActivity), new CompleteOperationInput(input, context.CurrentUtcDateTime, true, status, message, Reason: input.Reason), Retry);
        return new OperationOutcome(true, status);
    }

    public async Task<OperationOutcome> FailAsync(WorkspaceStatus status, string reason, string error)
    {
        await context.CallActivityAsync<bool>(nameof(CompleteOperationActivity), new CompleteOperationInput(input, context.CurrentUtcDateTime, false, status, error, error, reason), Retry);
        return new OperationOutcome(false, status, error);
    }

    /// <summary>
    /// Waits until every replica of the build reports <c>ready</c>; throws with the reason otherwise. <paramref name="firstCheck"/>,
    /// when the caller already checked (<see cref="AgentStartingAsync"/>), stands for the first check.
    /// </summary>
    public async Task WaitForAgentReadyAsync(EnsureWorkspaceResult ensure, AgentCheckResult? firstCheck = null)
    {
        DateTime deadline = context.CurrentUtcDateTime.AddSeconds(ensure.ReadyTimeoutSeconds);
        var known = firstCheck;
        while (true)
        {
            var check = known ?? await context.CallActivityAsync<AgentCheckResult>(nameof(CheckAgentActivity), new AgentCheckInput(input.WorkspaceId, input.Owner, ensure.BuildId), Retry);
            known = null;
            if (check.Lifecycle == AgentLifecycle.Ready && check.ReadyReplicas >= ensure.Replicas) return;
            if (check.Lifecycle == AgentLifecycle.StartError)
                throw new WorkspaceOperationException("agent_start_error", $"A repository clone or a startup script that blocks ready failed{Suffix(check.Reason)}.");
            if (check.Lifecycle == AgentLifecycle.StartTimeout)
                throw new WorkspaceOperationException("agent_start_timeout", $"A startup script that blocks ready timed out{Suffix(check.Reason)}.");
            if (!check.ProcessesRunning)
                throw new WorkspaceOperationException("agent_exited", $"The agent exited before it was ready{Suffix(check.Reason)}.");

            TimeSpan remaining = deadline - context.CurrentUtcDateTime;
            if (remaining <= TimeSpan.Zero)
                throw new WorkspaceOperationException("agent_ready_timeout", $"The agent was not ready within {ensure.ReadyTimeoutSeconds} s (last state: {check.Lifecycle}).");
            try
            {
                await context.WaitForExternalEvent<AgentSignal>(AgentSignal.EventName, remaining < RecheckInterval ? remaining : RecheckInterval);
            }
            catch (TaskCanceledException)
            {
                // No signal in time: read the state again.
            }
        }
    }

    /// <summary>Restores content lost with the compute from the latest snapshot, and says so on the timeline.</summary>
    public async Task RestoreLostContentAsync()
    {
        string? restored = await context.CallActivityAsync<string?>(nameof(Snapshots.Activities.RestoreLostContentActivity), input, Retry);
        if (restored is not null) await StepAsync("content-restored", null, restored, "content_lost");
    }

    /// <summary>
    /// Asks the ready agents to prepare (the drain hint in their manifest) and waits until each answers or the drain timeout
    /// passes. It is a hint: silence is recorded on the timeline, never fatal, because a wedged agent must not block a resize.
    /// </summary>
    public async Task DrainAsync()
    {
        var status = await context.CallActivityAsync<DrainStatus>(nameof(RequestDrainActivity), input, Retry);
        if (status.Expected == 0) return;
        DateTime deadline = context.CurrentUtcDateTime.AddSeconds(status.TimeoutSeconds);
        while (!status.Complete)
        {
            TimeSpan remaining = deadline - context.CurrentUtcDateTime;
            if (remaining <= TimeSpan.Zero)
            {
                await StepAsync("drain-timeout", null,
                    $"{status.Acknowledged} of {status.Expected} agent(s) answered the drain hint within {status.TimeoutSeconds} s; going on without the rest.", "drain_timeout");
                return;
            }
            try
            {
                await context.WaitForExternalEvent<AgentSignal>(AgentSignal.EventName, remaining < RecheckInterval ? remaining : RecheckInterval);
            }
            catch (TaskCanceledException)
            {
                // No signal in time: read the answers again.
            }
            status = await context.CallActivityAsync<DrainStatus>(nameof(CheckDrainActivity), input, Retry);
        }
        await StepAsync("drained", null, $"All {status.Expected} agent(s) are prepared.");
    }

    /// <summary>The reason and message for a failure caught in an orchestrator.</summary>
    public static (string Reason, string Message) Describe(Exception e) => e switch
    {
        WorkspaceOperationException w => (w.Reason, w.Message),
        TaskFailedException t => ("activity_failed", $"{t.TaskName} failed: {t.FailureDetails.ErrorMessage}"),
        _ => ("unexpected", e.Message),
    };

    static string Suffix(string? reason) => reason is null ? "" : $": {reason}";
}
