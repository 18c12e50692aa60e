using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// What a workspace's agents report (table <c>WorkspaceAgents</c>, PK = RK = workspace id, see <see cref="KeyedRowKey"/>;
/// rows written before have RK = <see cref="LegacyRow"/>): lifecycle, connection,
/// heartbeats, metrics, drain answers. Ingest writes this row, not the workspace row, so the workspace's ETag changes only
/// when its desired state or its operation does. The row holds two builds: the live one (<see cref="Build"/>) and a
/// blue-green green (<see cref="PendingBuild"/>). Each section describes only the build it names, so a write for a build
/// that is no longer in the row changes nothing, and a new build starts from a reset section (<see cref="ResetTo"/>)
/// recorded before its compute starts.
/// </summary>
public sealed class WorkspaceAgentsEntity : ITableEntity
{
    /// <summary>The row key every agents row had before it repeated the workspace id.</summary>
    public const string LegacyRow = "";

    string? _rowKey;

    public string PartitionKey { get; set; } = "";

    /// <summary>The workspace id, like the partition key, unless set (a row read under <see cref="LegacyRow"/>).</summary>
    public string RowKey { get => _rowKey ?? PartitionKey; set => _rowKey = value; }
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The build the live fields below describe.</summary>
    public string? Build { get; set; }

    /// <summary>The workspace's lifecycle: the least advanced replica of <see cref="Build"/> (see <c>AgentStates.Aggregate</c>).</summary>
    public string Lifecycle { get; set; } = "created";
    public string Connection { get; set; } = "connecting";
    public DateTimeOffset? LastHeartbeatAt { get; set; }

    /// <summary>JSON map agentId → lifecycle of <see cref="Build"/>'s replicas.</summary>
    public string? AgentStates { get; set; }
    public double? CpuPercent { get; set; }
    public double? MemoryPercent { get; set; }
    public long? DiskUsedBytes { get; set; }
    public int? Sessions { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }

    /// <summary>The session opened last, as <c>kind:id</c> (e.g. <c>ssh:connect-3-1</c>): what schedule decisions name as their source.</summary>
    public string? LastSession { get; set; }

    /// <summary>
    /// The build whose lifecycle changes operation <see cref="SignalOperation"/> waits on, set by <c>CheckAgentActivity</c>
    /// in a write guarded by the ETag of the row it read, so a lifecycle change stored in between fails that write and the
    /// check reads again. Ingest signals only then, so a change the operation's next check reads anyway costs no replay.
    /// </summary>
    public string? SignalBuild { get; set; }
    public string? SignalOperation { get; set; }

    /// <summary>The drain hint (operation id) the agents in <see cref="DrainAcks"/> answered; answers to another hint do not count.</summary>
    public string? DrainId { get; set; }

    /// <summary>Comma-separated agent ids that answered <see cref="DrainId"/>.</summary>
    public string? DrainAcks { get; set; }

    /// <summary>A blue-green green while it comes up: its build, its agents' lifecycles and its last heartbeat.</summary>
    public string? PendingBuild { get; set; }
    public string? PendingAgentStates { get; set; }
    public DateTimeOffset? PendingHeartbeatAt { get; set; }

    /// <summary>Whether this row has a section for <paramref name="build"/>.</summary>
    public bool Holds(string? build) => build is not null && (Build == build || PendingBuild == build);

    /// <summary>The live section now describes <paramref name="build"/>, with nothing heard from it yet.</summary>
    public void ResetTo(string build)
    {
        Build = build;
        Lifecycle = "created";
        Connection = "connecting";
        LastHeartbeatAt = null;
        AgentStates = null;
        CpuPercent = null;
        MemoryPercent = null;
        DiskUsedBytes = null;
        Sessions = null;
        LastActivityAt = null;
        LastSession = null;
        DrainId = null;
        DrainAcks = null;
    }

    /// <summary>The green section now describes <paramref name="build"/>, with nothing heard from it yet.</summary>
    public void ResetPendingTo(string? build)
    {
        PendingBuild = build;
        PendingAgentStates = null;
        PendingHeartbeatAt = null;
    }

    /// <summary>The agents row a workspace written by the previous version implies: its observed columns, for its builds.</summary>
    public static WorkspaceAgentsEntity FromLegacy(WorkspaceEntity w) => new()
    {
        PartitionKey = w.RowKey,
        Build = w.AgentBuild,
        Lifecycle = w.AgentLifecycle ?? "created",
        Connection = w.AgentConnection ?? "connecting",
        LastHeartbeatAt = w.LastHeartbeatAt,
        AgentStates = w.AgentStates,
        CpuPercent = w.CpuPercent,
        MemoryPercent = w.MemoryPercent,
        DiskUsedBytes = w.DiskUsedBytes,
        Sessions = w.Sessions,
        LastActivityAt = w.LastActivityAt,
        SignalBuild = w.AgentSignalWanted,
        SignalOperation = w.AgentSignalWanted is null ? null : w.OperationId,
        DrainId = w.DrainAcks is null ? null : w.DrainRequestId,
        DrainAcks = w.DrainAcks,
        PendingBuild = w.PendingBuild,
        PendingAgentStates = w.PendingAgentStates,
        PendingHeartbeatAt = w.PendingHeartbeatAt,
    };
}
