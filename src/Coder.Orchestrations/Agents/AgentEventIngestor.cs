using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Workspaces;
using Coder.Orchestrations.Workspaces.Orchestrators;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Applies agent envelopes to a workspace's observed state. Applying is idempotent (timeline rows are keyed by agent and
/// seq, lifecycle only moves forward, heartbeats keep the latest time). A marker per (agentId, seq), written after the
/// apply, drops redelivered envelopes, except heartbeats: the most frequent type, whose whole effect the row itself shows,
/// so a heartbeat costs one row read and at most one ETag-guarded write. An envelope whose token does not belong to its
/// workspace and current build is rejected and changes nothing.
/// </summary>
public sealed partial class AgentEventIngestor(
    CoderTables tables,
    WorkspaceStore workspaces,
    AgentTokenService tokens,
    WorkspaceTimeline timeline,
    WorkspaceSignalQueue signals,
    Scaling.WorkspaceMetricsHistory metricsHistory,
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

        var principal = await tokens.FindForWorkspaceAsync(bearerToken ?? envelope.Token, envelope.WorkspaceId, cancellationToken);
        if (principal is null)
        {
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "token not valid for this workspace");
            return IngestOutcome.Rejected;
        }

        // A heartbeat needs no marker: the row itself shows whether it is already applied (see ApplyHeartbeatAsync).
        // Every other type's marker is read alongside the row, not before it.
        bool marked = envelope.Type != AgentEventTypes.Heartbeat;
        string seqKey = AgentSeqEntity.RowKeyFor(envelope.Seq);
        var markerRead = marked ? tables.AgentSeqs.GetEntityIfExistsAsync<AgentSeqEntity>(envelope.AgentId, seqKey, cancellationToken: cancellationToken) : null;
        var workspaceRead = workspaces.GetAsync(principal.Owner, principal.WorkspaceId, cancellationToken);
        await Task.WhenAll(markerRead ?? Task.CompletedTask, workspaceRead);
        if (markerRead is not null && (await markerRead).HasValue) return IngestOutcome.Duplicate;

        var workspace = await workspaceRead;
        bool pendingBuild = workspace is not null && workspace.PendingBuild is { } pending && pending == principal.BuildId && workspace.AgentBuild != pending;
        if (!pendingBuild && (workspace is null || workspace.AgentBuild != principal.BuildId))
        {
            tokens.ReportStaleBuild(envelope.WorkspaceId);
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "token of a replaced build");
            return IngestOutcome.Rejected;
        }

        IngestOutcome outcome;
        try
        {
            outcome = pendingBuild ? await ApplyPendingAsync(envelope, workspace!, principal.BuildId, cancellationToken) : await ApplyAsync(envelope, workspace!, cancellationToken);
        }
        catch (JsonException)
        {
            LogRejected(logger, envelope.WorkspaceId, envelope.AgentId, "payload does not match its type");
            return IngestOutcome.Rejected;
        }

        if (marked) await tables.AgentSeqs.UpsertEntityAsync(new AgentSeqEntity { PartitionKey = envelope.AgentId, RowKey = seqKey }, TableUpdateMode.Replace, cancellationToken);
        if (!pendingBuild && outcome == IngestOutcome.Applied) metrics.RecordIngestLag(time.GetUtcNow() - envelope.SentAt);
        return outcome;
    }

    /// <summary>
    /// The heartbeat's whole effect is "connected, heard from at <paramref name="sentAt"/> or later". When the row already
    /// says so (a redelivery, or a later event got there first) the heartbeat is a duplicate and nothing is written.
    /// </summary>
    async Task<IngestOutcome> ApplyHeartbeatAsync(WorkspaceEntity current, string build, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        bool covered = false;
        await MutateAsync(current, w =>
        {
            covered = w.LastHeartbeatAt >= sentAt && w.AgentConnection == "connected";
            if (w.AgentBuild != build || covered) return false;
            w.LastHeartbeatAt = Max(w.LastHeartbeatAt, sentAt);
            w.AgentConnection = "connected";
            return true;
        }, cancellationToken);
        return covered ? IngestOutcome.Duplicate : IngestOutcome.Applied;
    }

    /// <summary>
    /// <see cref="WorkspaceStore.MutateAsync"/> that starts from the row ingest has just read instead of reading it again:
    /// the update is guarded by that read's ETag, and a lost race re-reads and retries as MutateAsync does.
    /// </summary>
    async Task<WorkspaceEntity?> MutateAsync(WorkspaceEntity read, Func<WorkspaceEntity, bool> mutate, CancellationToken cancellationToken)
    {
        if (!mutate(read)) return read;
        try
        {
            return await workspaces.UpdateAsync(read, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return await workspaces.MutateAsync(read.PartitionKey, read.RowKey, mutate, cancellationToken);
        }
    }

    async Task<IngestOutcome> ApplyAsync(AgentEnvelope envelope, WorkspaceEntity current, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset sentAt = envelope.SentAt > now ? now : envelope.SentAt;
        string id = current.RowKey, build = current.AgentBuild!;
        switch (envelope.Type)
        {
            case AgentEventTypes.Lifecycle:
            {
                var payload = envelope.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload) ?? throw new JsonException("empty");
                AgentLifecycle? changedTo = null;
                string? operationId = null;
                var updated = await MutateAsync(current, w =>
                {
                    if (w.AgentBuild != build || AgentStates.Advance(w.AgentStates, envelope.AgentId, payload, w.Replicas) is not { } advanced) return false;
                    var aggregate = advanced.Aggregate;
                    w.AgentStates = advanced.Json;
                    w.AgentLifecycle = WireNames.Of(aggregate);
                    w.AgentConnection = "connected";
                    w.LastHeartbeatAt = Max(w.LastHeartbeatAt, sentAt);
                    w.UpdatedAt = now;
                    changedTo = aggregate;
                    operationId = SignalTarget(w, build);
                    return true;
                }, cancellationToken);
                if (updated is null || changedTo is null) return IngestOutcome.Applied;
                await RecordLifecycleChangeAsync(id, envelope, payload, sentAt, "Agent", build, changedTo.Value, operationId, cancellationToken);
                break;
            }

            case AgentEventTypes.Heartbeat:
                return await ApplyHeartbeatAsync(current, build, sentAt, cancellationToken);

            case AgentEventTypes.Metrics:
            {
                var m = envelope.Payload.Deserialize(CoderJsonContext.Default.MetricsPayload) ?? throw new JsonException("empty");
                await MutateAsync(current, w =>
                {
                    if (w.AgentBuild != build) return false;
                    w.CpuPercent = Math.Round(m.CpuPercent, 2);
                    w.MemoryPercent = Math.Round(m.MemoryPercent, 2);
                    w.DiskUsedBytes = m.DiskUsedBytes;
                    w.Sessions = m.Sessions;
                    w.LastActivityAt = Max(w.LastActivityAt, m.LastActivityAt);
                    w.LastHeartbeatAt = Max(w.LastHeartbeatAt, sentAt);
                    w.AgentConnection = "connected";
                    return true;
                }, cancellationToken);
                await metricsHistory.RecordAsync(id, new Scaling.MetricSample(sentAt, m.CpuPercent, m.MemoryPercent, m.Sessions, m.OomKills, current.Cpu, current.MemoryMiB), cancellationToken);
                break;
            }

            case AgentEventTypes.Session:
            {
                var s = envelope.Payload.Deserialize(CoderJsonContext.Default.SessionPayload) ?? throw new JsonException("empty");
                await MutateAsync(current, w =>
                {
                    if (w.AgentBuild != build) return false;
                    w.Sessions = s.ActiveSessions;
                    w.LastActivityAt = Max(w.LastActivityAt, s.LastActivityAt);
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
                await timeline.AppendAsync(id, new TimelineEntry(sentAt, $"{envelope.AgentId}-{envelope.Seq}", $"script.{s.Phase}",
                    $"Script '{s.Name}' ({s.Phase}) {outcome} after {s.DurationMs} ms.", s.TimedOut ? "script_timeout" : s.ExitCode == 0 ? null : "script_failed", $"agent:{envelope.AgentId}"), cancellationToken);
                break;
            }

            case AgentEventTypes.Drain:
            {
                var d = envelope.Payload.Deserialize(CoderJsonContext.Default.DrainPayload) ?? throw new JsonException("empty");
                string? operationId = null;
                bool acknowledged = false;
                var updated = await MutateAsync(current, w =>
                {
                    // An answer to an older hint (or after the operation ended) changes nothing.
                    if (w.AgentBuild != build || w.DrainRequestId != d.DrainId) return false;
                    var acks = (w.DrainAcks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                    if (!acks.Add(envelope.AgentId)) return false;
                    w.DrainAcks = string.Join(',', acks.Order(StringComparer.Ordinal));
                    operationId = w.OperationId;
                    acknowledged = true;
                    return true;
                }, cancellationToken);
                if (updated is null || !acknowledged) return IngestOutcome.Applied;
                await timeline.AppendAsync(id, new TimelineEntry(sentAt, $"{envelope.AgentId}-{envelope.Seq}", "agent.drained",
                    $"Agent {envelope.AgentId} is prepared for the resize ({d.ActiveSessions} session(s) open).", null, $"agent:{envelope.AgentId}"), cancellationToken);
                if (operationId is not null)
                {
                    var lifecycle = WireNames.TryParse<AgentLifecycle>(updated.AgentLifecycle, out var l) ? l : AgentLifecycle.Ready;
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
    /// done and is waiting (<see cref="WorkspaceEntity.AgentSignalWanted"/>). Read from the row the change is written to, so
    /// the check's mark and this change are ordered by the row's ETag and no wait can miss its signal.
    /// </summary>
    static string? SignalTarget(WorkspaceEntity workspace, string build) =>
        workspace.AgentSignalWanted == build ? workspace.OperationId : null;

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

    /// <summary>
    /// A blue-green green's events: its lifecycle and heartbeats go to the pending fields (blue's observed state is what the
    /// workspace shows until the switch), its logs and scripts to the timeline, and its lifecycle signals the upgrade.
    /// </summary>
    async Task<IngestOutcome> ApplyPendingAsync(AgentEnvelope envelope, WorkspaceEntity current, string build, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset sentAt = envelope.SentAt > now ? now : envelope.SentAt;
        string id = current.RowKey;
        switch (envelope.Type)
        {
            case AgentEventTypes.Lifecycle:
            {
                var payload = envelope.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload) ?? throw new JsonException("empty");
                AgentLifecycle? changedTo = null;
                string? operationId = null;
                var updated = await MutateAsync(current, w =>
                {
                    if (w.PendingBuild != build || AgentStates.Advance(w.PendingAgentStates, envelope.AgentId, payload, w.Replicas) is not { } advanced) return false;
                    w.PendingAgentStates = advanced.Json;
                    w.PendingHeartbeatAt = Max(w.PendingHeartbeatAt, sentAt);
                    changedTo = advanced.Aggregate;
                    operationId = SignalTarget(w, build);
                    return true;
                }, cancellationToken);
                if (updated is null || changedTo is null) return IngestOutcome.Applied;
                await RecordLifecycleChangeAsync(id, envelope, payload, sentAt, "Green agent", build, changedTo.Value, operationId, cancellationToken);
                break;
            }

            case AgentEventTypes.Heartbeat or AgentEventTypes.Metrics:
            {
                // As for blue's heartbeats (ApplyHeartbeatAsync), a row already heard from at sentAt makes a heartbeat a duplicate.
                bool covered = false;
                await MutateAsync(current, w =>
                {
                    covered = w.PendingHeartbeatAt >= sentAt;
                    if (w.PendingBuild != build || covered) return false;
                    w.PendingHeartbeatAt = sentAt;
                    return true;
                }, cancellationToken);
                return covered && envelope.Type == AgentEventTypes.Heartbeat ? IngestOutcome.Duplicate : IngestOutcome.Applied;
            }

            case AgentEventTypes.Log or AgentEventTypes.Script:
                return await ApplyAsync(envelope, current, cancellationToken);

            default:
                break;
        }

        return IngestOutcome.Applied;
    }

    static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an agent envelope for workspace {WorkspaceId} from agent {AgentId}: {Reason}")]
    static partial void LogRejected(ILogger logger, string? workspaceId, string? agentId, string reason);
}
