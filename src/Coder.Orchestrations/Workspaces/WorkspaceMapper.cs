using Coder.Contracts.Agents;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces;

public static class WorkspaceMapper
{
    public static WorkspaceResponse ToResponse(WorkspaceEntity w, int? activeTemplateVersion) => new()
    {
        Id = w.RowKey,
        Name = w.Name,
        Owner = w.PartitionKey,
        Template = w.Template,
        TemplateVersion = w.TemplateVersion,
        Outdated = activeTemplateVersion is { } active && active > w.TemplateVersion,
        Status = WireNames.TryParse<WorkspaceStatus>(w.Status, out var s) ? s : WorkspaceStatus.Pending,
        Size = new WorkspaceSize(w.Cpu, w.MemoryMiB, w.LimitsEnforced),
        Replicas = w.Replicas,
        Isolation = w.Isolation,
        IsolationReason = w.IsolationReason,
        Agent = new WorkspaceAgentView(
            WireNames.TryParse<AgentLifecycle>(w.AgentLifecycle, out var l) ? l : AgentLifecycle.Created,
            WireNames.TryParse<AgentConnection>(w.AgentConnection, out var c) ? c : AgentConnection.Connecting,
            w.LastHeartbeatAt,
            new WorkspaceMetricsView(w.CpuPercent, w.MemoryPercent, w.DiskUsedBytes, w.Sessions)),
        Operation = w.OperationId is { } opId && WireNames.TryParse<OperationKind>(w.OperationKind, out var kind)
            ? new OperationRef(opId, kind, OperationStatus.Running, OperationUrl(opId))
            : null,
        FailureReason = w.FailureReason,
        SourceSnapshot = w.SourceSnapshot,
        CreatedAt = w.CreatedAt,
        UpdatedAt = w.UpdatedAt,
    };

    public static string OperationUrl(string operationId) => $"/api/operations/{operationId}";

    public static string WorkspaceUrl(string workspaceId) => $"/api/workspaces/{workspaceId}";
}
