using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Connect;
using Coder.Contracts.Json;
using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Applies agent envelopes to a workspace's observed state, its agents row (<see cref="WorkspaceAgentsEntity"/>), never its
/// workspace row. Applying is idempotent (timeline rows are keyed by agent and seq, lifecycle only moves forward,
/// heartbeats keep the latest time). A marker per (agentId, seq), written after the apply, drops redelivered envelopes
/// (<see cref="AgentSeqMarkers"/>, which also keeps them from piling up),
/// except heartbeats: the most frequent type, whose whole effect the row itself shows, so a heartbeat costs one row read
/// and at most one ETag-guarded write. An envelope is rejected and changes nothing unless its token belongs to its
/// workspace and a current build of it, and its agent id is one the provisioner issued with that token.
/// </summary>
public sealed partial class AgentEventIngestor(
    AgentSeqMarkers markers,
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    AgentTokenService tokens,
    WorkspaceTimeline timeline,
    WorkspaceSignalQueue signals,
    WorkspaceMetricsHistory metricsHistory,
    AgentReuseWindow reuse,
    Telemetry.CoderMetrics metrics,
    TimeProvider time,
    ILogger<AgentEventIngestor> logger) : IAgentEventIngestor
{
    const int MaxLogChars = 16_384;

    public async Task<IngestOutcome> IngestAsync(AgentEnvelope envelope, string? bearerToken, CancellationToken cancellationToken)
    {
        if (envelope.WorkspaceId is not { Length: > 0 } || envelope.AgentId is not { Length: > 0 and <= 128 } || envelope.Seq < 0 || !AgentEventTypes.IsKnown(envelope.Type ?? ""))
        {
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "malformed envelope");
            return IngestOutcome.Rejected;
        }

        // Steady traffic reuses what this instance knows for longer (AgentReuseWindow); the rest checks within the token cache's time.
        bool steady = AgentReuseWindow.IsSteady(envelope.Type);
        var window = steady ? await reuse.GetAsync(cancellationToken) : tokens.CacheTime;
        var principal = await tokens.FindForWorkspaceAsync(bearerToken ?? envelope.Token, envelope.WorkspaceId, window, cancellationToken);
        if (principal is null)
        {
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "token not valid for this workspace");
            return IngestOutcome.Rejected;
        }

        if (!AgentIds.IsIssued(envelope.AgentId, principal.WorkspaceId, principal.BuildId, principal.Replicas))
        {
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "agent id not issued with this token");
            return IngestOutcome.Rejected;
        }

        var now = time.GetUtcNow();
        DateTimeOffset sentAt = envelope.SentAt > now ? now : envelope.SentAt;
        string build = principal.BuildId;

        // A heartbeat needs no marker: the row itself shows whether it is already applied (see ApplyHeartbeatAsync).
        // Every other type's marker is read alongside the rows, not before them.
        bool marked = envelope.Type != AgentEventTypes.Heartbeat;

        // The agents row names the workspace's live and green builds: a build is put there before its compute starts and
        // leaves when another replaces it, so a row that holds this build checks it as the workspace row would. The row
        // this instance last wrote (the previous heartbeat's) is the starting point: the write's ETag proves it current, so
        // a heartbeat costs one conditional write; a stale memory costs a read, and a row that no longer holds the build
        // goes the whole way below.
        if (!marked && agents.Remembered(principal.WorkspaceId) is { } lastWritten && lastWritten.Holds(build)
            && await ApplyHeartbeatAsync(principal.WorkspaceId, null, null, build, sentAt, cancellationToken) is { } fast)
            return Measured(fast, envelope);

        var markerRead = marked ? markers.SeenAsync(envelope.AgentId, envelope.Seq, cancellationToken) : null;

        // Other types start from the remembered agents row too (their writes are ETag-guarded the same way).
        var remembered = marked ? agents.Remembered(principal.WorkspaceId) : null;
        var agentsRead = remembered is null ? agents.GetAsync(principal.WorkspaceId, cancellationToken) : Task.FromResult<WorkspaceAgentsEntity?>(null);
        if (!marked && await agentsRead is { } held && held.Holds(build)
            && await ApplyHeartbeatAsync(principal.WorkspaceId, null, held, build, sentAt, cancellationToken) is { } outcome)
            return Measured(outcome, envelope);

        // Steady traffic checks the build against the workspace row as this instance knows it (the agents row write re-checks
        // it under its ETag); everything else reads the row now: lifecycle changes and drain answers act on the operation
        // and hints it holds, and logs and scripts write the timeline without the agents row's check.
        var workspaceRead = workspaces.GetRecentAsync(principal.Owner, principal.WorkspaceId, steady ? window : TimeSpan.Zero, cancellationToken);
        await Task.WhenAll(markerRead ?? Task.CompletedTask, workspaceRead, agentsRead);
        if (markerRead is not null && await markerRead) return IngestOutcome.Duplicate;

        var workspace = await workspaceRead;
        if (workspace is null || workspace.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted))
        {
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "workspace deleted");
            return IngestOutcome.Rejected;
        }

        bool pendingBuild = workspace.PendingBuild == build && workspace.AgentBuild != build;
        if (!pendingBuild && workspace.AgentBuild != build)
        {
            tokens.ReportStaleBuild(envelope.WorkspaceId);
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "token of a replaced build");
            return IngestOutcome.Rejected;
        }

        // Null: the remembered row is the starting point (WorkspaceAgentStore.MutateAsync), a legacy workspace's columns its fallback.
        var row = remembered is not null ? null : await agentsRead ?? WorkspaceAgentsEntity.FromLegacy(workspace);
        IngestOutcome applied;
        try
        {
            applied = await ApplyAsync(envelope, workspace, row, build, pendingBuild, sentAt, cancellationToken);
        }
        catch (JsonException)
        {
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "payload does not match its type");
            return IngestOutcome.Rejected;
        }

        if (marked) await markers.MarkAsync(envelope.AgentId, envelope.Seq, cancellationToken);
        if (!pendingBuild && applied == IngestOutcome.Applied) metrics.RecordIngestLag(time.GetUtcNow() - envelope.SentAt);
        return applied;
    }

    /// <summary>
    /// The heartbeat's whole effect is "connected, heard from at <paramref name="sentAt"/> or later" on its build's section.
    /// When the row already says so (a redelivery, or a later event got there first) the heartbeat is a duplicate and
    /// nothing is written. Null when the row, as written or last read, holds the build in neither section (another build
    /// replaced it, or the workspace is gone): the caller checks the token against the workspace row.
    /// </summary>
    async Task<IngestOutcome?> ApplyHeartbeatAsync(string workspaceId, WorkspaceEntity? workspace, WorkspaceAgentsEntity? read, string build, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        bool covered = false;
        var stored = await agents.MutateAsync(workspaceId, workspace, read, a =>
        {
            if (a.Build == build)
            {
                covered = a.LastHeartbeatAt >= sentAt && a.Connection == "connected";
                if (covered) return false;
                a.LastHeartbeatAt = Max(a.LastHeartbeatAt, sentAt);
                a.Connection = "connected";
                return true;
            }

            covered = a.PendingBuild == build && a.PendingHeartbeatAt >= sentAt;
            if (a.PendingBuild != build || covered) return false;
            a.PendingHeartbeatAt = sentAt;
            return true;
        }, cancellationToken);
        if (stored is null || !stored.Holds(build)) return null;
        return covered ? IngestOutcome.Duplicate : IngestOutcome.Applied;
    }

    IngestOutcome Measured(IngestOutcome outcome, AgentEnvelope envelope)
    {
        if (outcome == IngestOutcome.Applied) metrics.RecordIngestLag(time.GetUtcNow() - envelope.SentAt);
        return outcome;
    }

    async Task<IngestOutcome> ApplyAsync(AgentEnvelope envelope, WorkspaceEntity workspace, WorkspaceAgentsEntity? row, string build, bool green, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        string id = workspace.RowKey;
        switch (envelope.Type)
        {
            case AgentEventTypes.Lifecycle:
            {
                var payload = envelope.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload) ?? throw new JsonException("empty");
                AgentLifecycle? changedTo = null;
                string? operationId = null;
                await agents.MutateAsync(workspace, row, a =>
                {
                    changedTo = null;
                    if (a.Build == build && AgentStates.Advance(a.AgentStates, envelope.AgentId, payload, workspace.Replicas) is { } live)
                    {
                        a.AgentStates = live.Json;
                        a.Lifecycle = WireNames.Of(live.Aggregate);
                        a.Connection = "connected";
                        a.LastHeartbeatAt = Max(a.LastHeartbeatAt, sentAt);
                        changedTo = live.Aggregate;
                    }
                    else if (a.Build != build && a.PendingBuild == build && AgentStates.Advance(a.PendingAgentStates, envelope.AgentId, payload, workspace.Replicas) is { } pending)
                    {
                        a.PendingAgentStates = pending.Json;
                        a.PendingHeartbeatAt = Max(a.PendingHeartbeatAt, sentAt);
                        changedTo = pending.Aggregate;
                    }
                    else
                    {
                        return false;
                    }

                    operationId = SignalTarget(a, workspace, build);
                    return true;
                }, cancellationToken);
                if (changedTo is null) return IngestOutcome.Applied;
                await RecordLifecycleChangeAsync(id, envelope, payload, sentAt, green ? "Green agent" : "Agent", build, changedTo.Value, operationId, cancellationToken);
                break;
            }

            case AgentEventTypes.Heartbeat:
                // The workspace row has just said this build is current or pending, so the row holds it too (or is legacy).
                return await ApplyHeartbeatAsync(id, workspace, row, build, sentAt, cancellationToken) ?? IngestOutcome.Applied;

            case AgentEventTypes.Metrics:
            {
                var m = envelope.Payload.Deserialize(CoderJsonContext.Default.MetricsPayload) ?? throw new JsonException("empty");
                bool live = false;
                await agents.MutateAsync(workspace, row, a =>
                {
                    live = a.Build == build;
                    if (!live)
                    {
                        // A green's metrics count as a heartbeat of it; its numbers are not the workspace's yet.
                        if (a.PendingBuild != build || a.PendingHeartbeatAt >= sentAt) return false;
                        a.PendingHeartbeatAt = sentAt;
                        return true;
                    }

                    a.CpuPercent = Math.Round(m.CpuPercent, 2);
                    a.MemoryPercent = Math.Round(m.MemoryPercent, 2);
                    a.DiskUsedBytes = m.DiskUsedBytes;
                    a.Sessions = CountSessions(a, envelope.AgentId, m.Sessions);
                    a.LastActivityAt = Max(a.LastActivityAt, m.LastActivityAt);
                    a.LastHeartbeatAt = Max(a.LastHeartbeatAt, sentAt);
                    a.Connection = "connected";
                    return true;
                }, cancellationToken);
                if (live) await metricsHistory.RecordAsync(id, new MetricSample(sentAt, m.CpuPercent, m.MemoryPercent, m.Sessions, m.OomKills, workspace.Cpu, workspace.MemoryMiB), cancellationToken);
                break;
            }

            case AgentEventTypes.Session:
            {
                var s = envelope.Payload.Deserialize(CoderJsonContext.Default.SessionPayload) ?? throw new JsonException("empty");
                await agents.MutateAsync(workspace, row, a =>
                {
                    if (a.Build != build) return false;
                    a.Sessions = CountSessions(a, envelope.AgentId, s.ActiveSessions);
                    a.LastActivityAt = Max(a.LastActivityAt, s.LastActivityAt);
                    if (s is { Change: "open", SessionId: { } session }) a.LastSession = $"{s.SessionKind ?? "session"}:{session}";
                    if (s.Connect is { } connect && AgentStates.WithConnect(a.AgentStates, envelope.AgentId, new AgentConnectState(connect.Sshd, connect.Reason, connect.Listening, connect.User)) is { } states)
                        a.AgentStates = states;
                    return true;
                }, cancellationToken);
                break;
            }

            case AgentEventTypes.Log:
            {
                var log = envelope.Payload.Deserialize(CoderJsonContext.Default.LogPayload) ?? throw new JsonException("empty");
                string text = string.Join('\n', log.Lines);
                if (text.Length > MaxLogChars) text = text[..MaxLogChars] + "…";
                await timeline.AppendAsync(id, new TimelineEntry(sentAt, $"{envelope.AgentId}-{envelope.Seq}", "log",
                    $"[{log.Source} {log.Stream}] {text}" + (log.Truncated ? " (truncated)" : ""), null, $"agent:{envelope.AgentId}"), cancellationToken);
                break;
            }

            case AgentEventTypes.Script:
            {
                var s = envelope.Payload.Deserialize(CoderJsonContext.Default.ScriptPayload) ?? throw new JsonException("empty");
                string outcome = s.TimedOut ? "timed out" : s.ExitCode == 0 ? "succeeded" : $"failed with exit code {s.ExitCode}";
                if (s.Phase == "clone")
                {
                    // A repository clone: git's output is in the log entries with source clone:{path}.
                    await timeline.AppendAsync(id, new TimelineEntry(sentAt, $"{envelope.AgentId}-{envelope.Seq}", "repository.clone",
                        s.ExitCode == 0 ? $"Cloned '{s.Name}' in {s.DurationMs} ms." : $"Clone of '{s.Name}' {outcome} after {s.DurationMs} ms; git's output is in the log.",
                        s.ExitCode == 0 ? null : "clone_failed", $"agent:{envelope.AgentId}"), cancellationToken);
                    break;
                }

                await timeline.AppendAsync(id, new TimelineEntry(sentAt, $"{envelope.AgentId}-{envelope.Seq}", $"script.{s.Phase}",
                    $"Script '{s.Name}' ({s.Phase}) {outcome} after {s.DurationMs} ms.", s.TimedOut ? "script_timeout" : s.ExitCode == 0 ? null : "script_failed", $"agent:{envelope.AgentId}"), cancellationToken);
                break;
            }

            case AgentEventTypes.Drain:
            {
                var d = envelope.Payload.Deserialize(CoderJsonContext.Default.DrainPayload) ?? throw new JsonException("empty");

                // An answer to an older hint (or after the operation ended) changes nothing.
                if (green || workspace.DrainRequestId != d.DrainId) return IngestOutcome.Applied;
                bool acknowledged = false;
                var updated = await agents.MutateAsync(workspace, row, a =>
                {
                    acknowledged = false;
                    if (a.Build != build) return false;
                    var acks = (a.DrainId == d.DrainId ? a.DrainAcks ?? "" : "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                    if (!acks.Add(envelope.AgentId)) return false;
                    a.DrainId = d.DrainId;
                    a.DrainAcks = string.Join(',', acks.Order(StringComparer.Ordinal));
                    acknowledged = true;
                    return true;
                }, cancellationToken);
                if (!acknowledged) return IngestOutcome.Applied;
                await timeline.AppendAsync(id, new TimelineEntry(sentAt, $"{envelope.AgentId}-{envelope.Seq}", "agent.drained",
                    $"Agent {envelope.AgentId} is prepared for the resize ({d.ActiveSessions} session(s) open).", null, $"agent:{envelope.AgentId}"), cancellationToken);
                if (workspace.OperationId is { } operationId)
                {
                    var lifecycle = WireNames.TryParse<AgentLifecycle>(updated.Lifecycle, out var l) ? l : AgentLifecycle.Ready;
                    await signals.EnqueueAsync(operationId, new AgentSignal(build, lifecycle, null), cancellationToken);
                }

                break;
            }

            default:
                break;
        }

        return IngestOutcome.Applied;
    }

    /// <summary>
    /// The operation to signal about a lifecycle change of <paramref name="build"/>: only one that has read the agents as not
    /// done and is waiting (<see cref="WorkspaceAgentsEntity.SignalBuild"/>). Read from the row the change is written to, so
    /// the check's mark and this change are ordered by the row's ETag and no wait can miss its signal. A wait the previous
    /// version marked on the workspace row is honoured too.
    /// </summary>
    static string? SignalTarget(WorkspaceAgentsEntity agents, WorkspaceEntity workspace, string build) =>
        agents.SignalBuild == build ? agents.SignalOperation
        : workspace.AgentSignalWanted == build ? workspace.OperationId
        : null;

    /// <summary>
    /// A lifecycle change that was stored: its timeline entry, and the signal to the operation waiting on the agents (the
    /// same for blue's agents and a green's).
    /// </summary>
    async Task RecordLifecycleChangeAsync(string workspaceId, AgentEnvelope envelope, LifecyclePayload payload, DateTimeOffset sentAt, string who,
        string build, AgentLifecycle changedTo, string? operationId, CancellationToken cancellationToken)
    {
        string state = WireNames.Of(payload.State);
        await timeline.AppendAsync(workspaceId, new TimelineEntry(sentAt, $"{envelope.AgentId}-{envelope.Seq}", $"agent.{state}",
            $"{who} {envelope.AgentId} is {state}." + (payload.Reason is null ? "" : $" {payload.Reason}"), payload.Reason, $"agent:{envelope.AgentId}"), cancellationToken);
        if (operationId is not null) await signals.EnqueueAsync(operationId, new AgentSignal(build, changedTo, payload.Reason), cancellationToken);
    }

    /// <summary>The workspace's open sessions once <paramref name="agentId"/> reports <paramref name="sessions"/>: the sum over its agents.</summary>
    static int CountSessions(WorkspaceAgentsEntity agents, string agentId, int sessions)
    {
        var (json, total) = AgentStates.WithSessions(agents.AgentStates, agentId, sessions);
        if (json is not null) agents.AgentStates = json;
        return total;
    }

    static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an agent envelope for workspace {WorkspaceId} from agent {AgentId}: {Reason}")]
    static partial void LogRejected(ILogger logger, string? workspaceId, string? agentId, string reason);
}
