using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.State;

namespace Coder.Provisioning.Tests.SizeDrift;

/// <summary>What the reconciler's planner decides for one running workspace of a declared size, given what a provisioner observed of it.</summary>
public static class DriftPlan
{
    static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The planner's action for the workspace of <paramref name="item"/>, declared at <paramref name="cpu"/> / <paramref name="memoryMiB"/>; null when it plans none.</summary>
    public static ReconcileAction? For(InventoryItem item, double cpu, int memoryMiB, int replicas = 1)
    {
        var row = new WorkspaceEntity
        {
            PartitionKey = "alice",
            RowKey = item.WorkspaceId,
            Name = item.WorkspaceId,
            Template = "py",
            TemplateVersion = 3,
            Provisioner = item.Provisioner,
            DesiredState = DesiredStates.Running,
            Status = "running",
            AgentBuild = item.BuildId,
            Cpu = cpu,
            MemoryMiB = memoryMiB,
            Replicas = replicas,
            LimitsEnforced = true,
            BuildStartedAt = Now.AddMinutes(-30),
            CreatedAt = Now.AddHours(-1),
            UpdatedAt = Now.AddSeconds(-2),
        };
        var input = new ReconcileInput(Now, [row], [item], new HashSet<string> { item.Provisioner }, new Dictionary<string, ReconcileTemplatePolicy>(), new Dictionary<string, OperationProgress>(), new Dictionary<string, DateTimeOffset>());
        return ReconcilePlanner.Plan(input, new ReconcileOptions()).Actions.SingleOrDefault();
    }
}
