using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Quotas;

/// <summary>What one workspace declares: its size, its replicas, and whether it is meant to run.</summary>
public sealed record QuotaReservation(double Cpu, int MemoryMiB, int Replicas, bool Running)
{
    /// <summary>The workspace as its row declares it (a deleted one declares nothing: null).</summary>
    public static QuotaReservation? Of(WorkspaceEntity workspace) =>
        workspace.DesiredState == DesiredStates.Deleted || workspace.Status == "deleted"
            ? null
            : new(workspace.Cpu, workspace.MemoryMiB, workspace.Replicas, workspace.DesiredState == DesiredStates.Running);
}
