using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// Bounds a claim's handover: a claimed workspace still <c>starting</c> <see cref="PrebuildOptions.HandoverTimeoutSeconds"/>
/// after its claim (its agent never took the new token, or never confirmed) must not stay so forever. The claim's
/// operation is put on the row under its ETag (only while still unconfirmed, so a confirm and this never both win), and
/// then ended like any hung operation (<see cref="HungOperations"/>): what the claim took is undone as a failed provision
/// undoes it, the operation fails with <see cref="Reason"/>, and the workspace is left <c>failed</c>, which a start or a
/// delete takes up. The agent's tokens are revoked, so a late confirm changes nothing.
/// </summary>
public sealed partial class HandoverDeadline(
    WorkspaceStore workspaces,
    HungOperations hung,
    AgentTokenService tokens,
    WorkspaceTimeline timeline,
    IOptions<PrebuildOptions> options,
    TimeProvider time,
    ILogger<HandoverDeadline> logger)
{
    public const string Reason = "prebuild_handover_timeout";

    /// <summary>Fails the claims among <paramref name="rows"/> (the reconcile pass's scan) whose handover is overdue; returns how many.</summary>
    public async Task<int> ExpireAsync(IReadOnlyList<WorkspaceEntity> rows, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromSeconds(options.Value.HandoverTimeoutSeconds);
        int expired = 0;
        foreach (var row in rows)
        {
            if (!IsUnconfirmed(row) || time.GetUtcNow() - (row.PoolClaimedAt ?? row.CreatedAt) < limit) continue;
            if (await ExpireAsync(row, limit, client, cancellationToken)) expired++;
        }

        return expired;
    }

    async Task<bool> ExpireAsync(WorkspaceEntity row, TimeSpan limit, DurableTaskClient client, CancellationToken cancellationToken)
    {
        string claim = row.PoolClaim!;
        var now = time.GetUtcNow();
        var held = await workspaces.MutateAsync(row.PartitionKey, row.RowKey, w =>
        {
            if (!IsUnconfirmed(w) || w.PoolClaim != claim) return false;
            w.OperationId = claim;
            w.OperationKind = WireNames.Of(OperationKind.Provision);
            w.OperationStartedAt = w.PoolClaimedAt;
            w.UpdatedAt = now;
            return true;
        }, cancellationToken);
        if (held is null || held.OperationId != claim || held.UpdatedAt != now) return false;

        double seconds = (now - (held.PoolClaimedAt ?? now)).TotalSeconds;
        string message = $"The agent of the claimed pool member did not take its new token and confirm within {limit.TotalSeconds:0} s " +
            $"(claimed {held.PoolClaimedAt:u}, {seconds:0} s ago); the claim failed and the workspace was released as failed: start or delete it.";
        LogExpired(logger, held.RowKey, claim, seconds);
        await timeline.AppendAsync(held.RowKey, new TimelineEntry(now, "pool-handover-expired", "prebuild.handover_expired", message, Reason, PrebuildPool.Actor, claim), cancellationToken);
        await tokens.RevokeWorkspaceAsync(held.RowKey, cancellationToken);
        await hung.FailAsync(held, PrebuildPool.Actor, Reason, message, client, cancellationToken);
        return true;
    }

    /// <summary>Claimed, not confirmed, and held by no operation: only the agent's confirm or this deadline moves it on.</summary>
    static bool IsUnconfirmed(WorkspaceEntity w) =>
        w.PoolClaim is not null && !PrebuildPool.IsMember(w) && w.OperationId is null && w.IsIn(WorkspaceStatus.Starting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The handover of claimed pool member {WorkspaceId} (claim {OperationId}) was not confirmed after {Seconds:0} s; failing the claim")]
    static partial void LogExpired(ILogger logger, string workspaceId, string operationId, double seconds);
}
