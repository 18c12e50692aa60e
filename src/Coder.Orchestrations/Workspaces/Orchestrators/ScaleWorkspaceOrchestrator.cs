using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Workspaces.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

/// <summary>Tells the agents to prepare (drain), applies a new size and waits for every replica to be ready; on failure it rolls back to the old size and says why.</summary>
public static class ScaleWorkspaceOrchestrator
{
    static readonly TaskOptions Retry = ActivityRetry.WithAttempts(3);

    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, WorkspaceOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input);
        var target = input.Scale ?? throw new InvalidOperationException("A scale operation needs a target size.");
        await flow.StepAsync("started", WorkspaceStatus.Updating, $"Scaling from {target.DescribeFrom()} to {target.Describe()}.");
        try
        {
            if (OrchestrationVersions.AtLeast(context, OrchestrationVersions.ScaleDrainHint)) await flow.DrainAsync();
            var applied = await context.CallActivityAsync<EnsureWorkspaceResult>(nameof(ApplySizeActivity), new ApplySizeInput(input, target.Cpu, target.MemoryMiB, target.Replicas), Retry);
            await flow.StepAsync("applied", null, (applied.Reused ? "Applied without a restart." : "Applied by restarting the compute.") + (applied.Note is null ? "" : $" {applied.Note}"),
                applied.LimitsEnforced ? null : "limits_advisory");
            await flow.WaitForAgentReadyAsync(applied);
            return await flow.SucceedAsync(WorkspaceStatus.Running, $"Scaled to {target.Describe()}.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            await flow.StepAsync("rolling-back", null, $"Scaling failed ({message}); rolling back to {target.DescribeFrom()}.", reason);
            try
            {
                var back = target.Reverse();
                var restored = await context.CallActivityAsync<EnsureWorkspaceResult>(nameof(ApplySizeActivity), new ApplySizeInput(input, back.Cpu, back.MemoryMiB, back.Replicas), Retry);
                await flow.WaitForAgentReadyAsync(restored);
                return await flow.FailAsync(WorkspaceStatus.Running, reason, $"Scaling to {target.Describe()} failed and was rolled back: {message}");
            }
            catch (Exception rollback) when (rollback is WorkspaceOperationException or TaskFailedException)
            {
                var (_, rollbackMessage) = WorkspaceOperationFlow.Describe(rollback);
                return await flow.FailAsync(WorkspaceStatus.Failed, "scale_rollback_failed", $"Scaling failed ({message}) and so did the rollback ({rollbackMessage}).");
            }
        }
    }
}
