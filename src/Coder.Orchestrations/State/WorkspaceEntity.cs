using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// One workspace: PK = owner, RK = workspace id. Desired state, observed state, status and the current operation live on
/// one row, so every change is one ETag-guarded write.
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
    public string? FailureReason { get; set; }

    public string? OperationId { get; set; }
    public string? OperationKind { get; set; }
    public int OperationGeneration { get; set; }
    public DateTimeOffset? OperationStartedAt { get; set; }

    /// <summary>The current agent build; tokens of other builds are rejected.</summary>
    public string? AgentBuild { get; set; }
    public DateTimeOffset? BuildStartedAt { get; set; }
    public string AgentLifecycle { get; set; } = "created";
    public string AgentConnection { get; set; } = "connecting";
    public DateTimeOffset? LastHeartbeatAt { get; set; }

    /// <summary>
    /// The build whose lifecycle changes the current operation is waiting on (set by <c>CheckAgentActivity</c> in the same
    /// ETag-guarded write that read the agents as not done yet). Ingest signals the operation only then, so a change the
    /// operation's next check reads anyway does not cost it an extra replay.
    /// </summary>
    public string? AgentSignalWanted { get; set; }

    /// <summary>JSON map agentId → lifecycle, for workspaces with several replicas.</summary>
    public string? AgentStates { get; set; }
    public double? CpuPercent { get; set; }
    public double? MemoryPercent { get; set; }
    public long? DiskUsedBytes { get; set; }
    public int? Sessions { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }

    /// <summary>The operation whose drain hint the manifest carries (null: none), and why.</summary>
    public string? DrainRequestId { get; set; }
    public string? DrainReason { get; set; }

    /// <summary>Comma-separated agent ids that answered the current drain hint.</summary>
    public string? DrainAcks { get; set; }

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

    /// <summary>Restarts and reprovisions the reconciler started in the current hour-long window (its restart budget).</summary>
    public int ReconcileRestartCount { get; set; }
    public DateTimeOffset? ReconcileRestartWindowStartedAt { get; set; }

    /// <summary>The live compute instance (see <see cref="Provisioning.WorkspaceRef.Instance"/>); null is the first one.</summary>
    public string? ComputeInstance { get; set; }

    /// <summary>A blue-green upgrade's green instance while it comes up: its instance, build, version, agents and last heartbeat.</summary>
    public string? PendingInstance { get; set; }
    public string? PendingBuild { get; set; }
    public int? PendingTemplateVersion { get; set; }
    public string? PendingAgentStates { get; set; }
    public DateTimeOffset? PendingHeartbeatAt { get; set; }

    /// <summary>The blue instance a blue-green switch left stopped for its grace period, before it is destroyed.</summary>
    public string? RetiredInstance { get; set; }

    /// <summary>When the retired blue's grace period ends; the reconciler destroys it after that.</summary>
    public DateTimeOffset? RetiredUntil { get; set; }

    /// <summary>The live instance's resources.</summary>
    public Provisioning.WorkspaceRef ComputeRef() => new(RowKey, PartitionKey, ComputeInstance);
}
