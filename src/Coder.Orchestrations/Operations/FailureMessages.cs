using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// What a failure says to whom. A failure's full text can hold raw exception text: an ARM error body, a host path, a
/// storage message. Admins (and the logs) get it; members, and the timeline they read, get a stable sentence for the
/// failure's reason code and the operation id to quote, never the raw text.
/// </summary>
public static class FailureMessages
{
    static readonly Dictionary<string, string> Sentences = new(StringComparer.Ordinal)
    {
        ["agent_start_error"] = "A repository clone or a startup script that blocks ready failed; its output is on the workspace's timeline.",
        ["agent_start_timeout"] = "A startup script that blocks ready timed out; its output is on the workspace's timeline.",
        ["agent_exited"] = "The agent exited before it was ready.",
        ["agent_ready_timeout"] = "The agent was not ready in time.",
        ["restart_limit_reached"] = "The agent kept disappearing and the restart limit was reached.",
        ["quiesce_failed"] = "The workspace could not be prepared for the snapshot.",
        ["safety_snapshot_failed"] = "The safety snapshot failed, so nothing was restored.",
        ["restore_failed"] = "The restore failed and the workspace kept its content.",
        ["restore_point_failed"] = "No upgrade: the restore point could not be taken.",
        ["upgrade_rollback_failed"] = "The upgrade failed and so did its rollback.",
        ["scale_rollback_failed"] = "Scaling failed and so did its rollback.",
        ["prebuild_handover_timeout"] = "The warm-pool workspace's agent did not take over in time, so the claim failed; start or delete the workspace to go on.",
        [OperationCancellation.Reason] = "The operation was canceled and what it started was undone; start or delete the workspace to go on.",
    };

    /// <summary>A member's view of a failure: the reason's sentence (or a generic one) and the operation to quote.</summary>
    public static string ForMember(string? reason, string? operationId)
    {
        string sentence = reason is not null && Sentences.TryGetValue(reason, out var known) ? known : "The operation failed in the control plane.";
        return operationId is null ? $"{sentence} An admin can see the details." : $"{sentence} Quote operation {operationId} to an admin for the details.";
    }

    /// <summary>The full text for admins, the member's sentence for everyone else; null when nothing failed.</summary>
    public static string? For(CallerIdentity caller, string? full, string? reason, string? operationId) =>
        full is null ? null : caller.IsAdmin ? full : ForMember(reason, operationId);
}
