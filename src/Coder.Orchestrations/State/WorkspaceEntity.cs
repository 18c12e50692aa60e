using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// One workspace: PK = owner, RK = workspace id. Desired state, status and the current operation live on one row, so
/// every change is one ETag-guarded write, and its ETag (what a client's <c>If-Match</c> names) moves only when they do.
/// What the agents report lives in <see cref="WorkspaceAgentsEntity"/>.
/// </summary>
public sealed class WorkspaceEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string Template { get; set; } = "";
    public int TemplateVersion { get; set; }
    public string Provisioner { get; set; } = "local";
    public double Cpu { get; set; }
    public int MemoryMiB { get; set; }
    public int Replicas { get; set; } = 1;
    public bool LimitsEnforced { get; set; } = true;

    /// <summary><c>sandbox</c> or <c>none</c> (local workspaces; null elsewhere), and why <c>none</c>.</summary>
    public string? Isolation { get; set; }
    public string? IsolationReason { get; set; }

    /// <summary><c>running</c>, <c>stopped</c> or <c>deleted</c>: what the user asked for.</summary>
    public string DesiredState { get; set; } = DesiredStates.Running;
    public string Status { get; set; } = "pending";

    /// <summary>Whether <see cref="Status"/> is one of <paramref name="statuses"/> (compared by wire name).</summary>
    public bool IsIn(params ReadOnlySpan<Contracts.Workspaces.WorkspaceStatus> statuses) => Common.WireNames.IsAny(Status, statuses);

    /// <summary>The failure's full text (admins only: it can hold raw exception text); members see <see cref="FailureCode"/>'s sentence.</summary>
    public string? FailureReason { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureOperationId { get; set; }

    public string? OperationId { get; set; }
    public string? OperationKind { get; set; }
    public int OperationGeneration { get; set; }
    public DateTimeOffset? OperationStartedAt { get; set; }

    /// <summary>The current agent build; tokens of other builds are rejected.</summary>
    public string? AgentBuild { get; set; }
    public DateTimeOffset? BuildStartedAt { get; set; }

    /// <summary>The operation whose drain hint the manifest carries (null: none), and why.</summary>
    public string? DrainRequestId { get; set; }
    public string? DrainReason { get; set; }

    /// <summary>When the size or replica count last changed; the autoscaler's cooldown and windows start here.</summary>
    public DateTimeOffset? LastScaledAt { get; set; }

    /// <summary>The reason of the autoscaler's last recorded decision, so a steady "nothing to do" is written once, not every period.</summary>
    public string? AutoscaleLastReason { get; set; }

    /// <summary>JSON array of provisioner resource ids.</summary>
    public string? ResourceIds { get; set; }
    public string? SourceSnapshot { get; set; }

    /// <summary>The snapshot the workspace's content descends from (its last snapshot, restore or branch source): the parent of its next snapshot.</summary>
    public string? HeadSnapshot { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public string CreatedBy { get; set; } = "";

    /// <summary>A warm-pool member's preset key (<c>PrebuildPreset.Key</c>), kept after a claim; null: never a pool member.</summary>
    public string? PoolPreset { get; set; }

    /// <summary>The claim that took this pool member (its operation id): set on the pool row by the winning claim's ETag write, and on the owner's row.</summary>
    public string? PoolClaim { get; set; }
    public DateTimeOffset? PoolClaimedAt { get; set; }

    /// <summary>Restarts and reprovisions the reconciler started in the current hour-long window (its restart budget).</summary>
    public int ReconcileRestartCount { get; set; }
    public DateTimeOffset? ReconcileRestartWindowStartedAt { get; set; }

    /// <summary>Template parameter values (JSON object, name → value): what the next build runs with.</summary>
    public string? ParametersJson { get; set; }

    /// <summary>The values the running build started with (set when a build starts); a difference is a pending change.</summary>
    public string? BuildParametersJson { get; set; }
    /// <summary>The workspace's own schedule (<c>WorkspaceSchedule</c> as JSON, without its deadline); null: the template's defaults.</summary>
    public string? ScheduleJson { get; set; }

    /// <summary>When the running workspace stops (a deadline before <see cref="BuildStartedAt"/> belongs to an earlier run and is ignored).</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    /// <summary>What set <see cref="DeadlineAt"/>: <c>user:…</c>, <c>autostop</c>, <c>session:kind:id</c> or <c>activity</c>.</summary>
    public string? DeadlineSource { get; set; }

    /// <summary>The next autostart occurrence the reconciler acts on; advanced past "now" whenever it passes.</summary>
    public DateTimeOffset? NextAutostartAt { get; set; }

    /// <summary>The live compute instance (the provisioner's instance name); null is the first one.</summary>
    public string? ComputeInstance { get; set; }

    /// <summary>A blue-green upgrade's green instance while it comes up: its instance, build and version.</summary>
    public string? PendingInstance { get; set; }
    public string? PendingBuild { get; set; }
    public int? PendingTemplateVersion { get; set; }

    /// <summary>The blue instance a blue-green switch left stopped for its grace period, before it is destroyed.</summary>
    public string? RetiredInstance { get; set; }

    /// <summary>When the retired blue's grace period ends; the reconciler destroys it after that.</summary>
    public DateTimeOffset? RetiredUntil { get; set; }

    // Observed state as the previous version kept it on this row. Never written now; read only while the workspace has no
    // WorkspaceAgents row yet (WorkspaceAgentsEntity.FromLegacy), and carried unchanged by every replace until a new build
    // clears it (ClearLegacyObservedState), so a control plane upgraded in place keeps what its running agents reported.
    public string? AgentLifecycle { get; set; }
    public string? AgentConnection { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public string? AgentSignalWanted { get; set; }
    public string? AgentStates { get; set; }
    public double? CpuPercent { get; set; }
    public double? MemoryPercent { get; set; }
    public long? DiskUsedBytes { get; set; }
    public int? Sessions { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }
    public string? DrainAcks { get; set; }
    public string? PendingAgentStates { get; set; }
    public DateTimeOffset? PendingHeartbeatAt { get; set; }

    /// <summary>Drops the previous version's observed columns (their build is being replaced).</summary>
    public void ClearLegacyObservedState()
    {
        AgentLifecycle = AgentConnection = AgentSignalWanted = AgentStates = DrainAcks = PendingAgentStates = null;
        LastHeartbeatAt = LastActivityAt = PendingHeartbeatAt = null;
        CpuPercent = MemoryPercent = null;
        DiskUsedBytes = null;
        Sessions = null;
    }
}
