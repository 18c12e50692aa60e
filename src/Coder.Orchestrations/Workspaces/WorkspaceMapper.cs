using Coder.Contracts.Agents;
using Coder.Contracts.Connect;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Schedules;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates.Parameters;

namespace Coder.Orchestrations.Workspaces;

public static class WorkspaceMapper
{
    /// <summary>
    /// The workspace as <paramref name="caller"/> may see it: its row, and its live build's agents as observed; a
    /// failure's full text only for admins.
    /// </summary>
    /// <param name="schedule">The schedule in force, for <c>schedule</c>'s deadline and <c>nextTransition</c> as of <paramref name="now"/>.</param>
    public static WorkspaceResponse ToResponse(WorkspaceEntity w, AgentObservation agent, int? activeTemplateVersion, CallerIdentity caller,
        EffectiveSchedule? schedule = null, DateTimeOffset? now = null) => new()
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
            agent.Lifecycle,
            WireNames.TryParse<AgentConnection>(agent.Connection, out var c) ? c : AgentConnection.Connecting,
            agent.LastHeartbeatAt,
            new WorkspaceMetricsView(agent.CpuPercent, agent.MemoryPercent, agent.DiskUsedBytes, agent.Sessions)),
        Agents = AgentStates.Parse(agent.AgentStates)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new WorkspaceReplicaAgentView(a.Key, a.Value.Lifecycle, a.Value.Reason, ConnectView(a.Value.Connect)))
            .ToList(),
        Operation = w.OperationId is { } opId && WireNames.TryParse<OperationKind>(w.OperationKind, out var kind)
            ? new OperationRef(opId, kind, OperationStatus.Running, OperationLauncher.OperationUrl(opId))
            : null,
        FailureReason = FailureMessages.For(caller, w.FailureReason, w.FailureCode, w.FailureOperationId),
        SourceSnapshot = w.SourceSnapshot,
        Parameters = w.ParametersJson is null ? null : ParameterValues.Read(w.ParametersJson),
        PendingChanges = PendingChanges(w),
        Schedule = ScheduleView(w, agent, schedule),
        NextTransition = schedule is null || now is null ? null : SchedulePlanner.Next(w, schedule, agent, now.Value),
        CreatedAt = w.CreatedAt,
        UpdatedAt = w.UpdatedAt,
    };

    /// <summary>Parameters stored since the live build started (none before a first build): they apply on the next start.</summary>
    static WorkspacePendingChanges? PendingChanges(WorkspaceEntity w)
    {
        if (w.AgentBuild is null || w.ParametersJson == w.BuildParametersJson) return null;
        var changed = ParameterValues.Differences(ParameterValues.Read(w.ParametersJson), ParameterValues.Read(w.BuildParametersJson));
        return changed.Count == 0 ? null : new WorkspacePendingChanges(WorkspacePendingChanges.NextStart, changed);
    }

    /// <summary>The workspace's own schedule fields, with the deadline in force while it runs.</summary>
    static WorkspaceSchedule? ScheduleView(WorkspaceEntity w, AgentObservation agent, EffectiveSchedule? schedule)
    {
        var own = ScheduleRules.Read(w);
        DateTimeOffset? deadline = schedule is not null && w.DesiredState == DesiredStates.Running && w.IsIn(WorkspaceStatus.Running)
            ? SchedulePlanner.DeadlineOf(w, schedule, agent)?.At
            : null;
        return own is null && deadline is null ? null : (own ?? new WorkspaceSchedule()) with { Deadline = deadline };
    }

    /// <summary>An agent that reports its way in listens on the relay; sshd is usable when it named one.</summary>
    static AgentConnectView? ConnectView(AgentConnectState? state) =>
        state is null ? null : new AgentConnectView(state.Listening, state.Sshd is { Length: > 0 }, state.Reason, state.User);

    public static string WorkspaceUrl(string workspaceId) => $"/api/workspaces/{workspaceId}";
}
