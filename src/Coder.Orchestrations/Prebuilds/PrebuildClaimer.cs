using Azure;
using Azure.Data.Tables;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates.Parameters;
using Coder.Orchestrations.Timeline;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// A create served from the warm pool, without the provision orchestration. The steps, each a conditional write:
/// <list type="number">
/// <item>The claim: one write of a ready member's pool row under the ETag it was read with, setting <c>PoolClaim</c>.
/// Exactly one of concurrent claimers wins a member; a loser (412) tries the next, and with none left the create goes cold.</item>
/// <item>The quota: the owner's reservation for that member's id, checked and written as one ETag write of the owner's
/// usage row, straight after the claim. Table Storage has no transaction across the two tables (nor across the two
/// partitions), so this is as close as it allows: the claim holds the member exclusively, and a refusal (403) gives it
/// back to the pool (the claim is cleared under its own id) before it answers.</item>
/// <item>The move: the owner's row (same id, new partition) and its name claim in one transaction (a taken name is a
/// 409 and gives back the quota and the member); the agent's token is marked for handover; the pool row is deleted
/// under its ETag and the index names the owner.</item>
/// </list>
/// The workspace is <c>starting</c> until its agent has taken its new token, re-read the manifest (the owner's parameters,
/// secrets and dotfiles) and personalized; <see cref="ConfirmAsync"/> then makes it <c>running</c>.
/// </summary>
public sealed partial class PrebuildClaimer(
    CoderTables tables,
    WorkspaceStore workspaces,
    QuotaLedger quotas,
    AgentTokenService tokens,
    OperationStore operations,
    WorkspaceTimeline timeline,
    ManifestChangeSignal signal,
    TimeProvider time,
    ILogger<PrebuildClaimer> logger)
{
    /// <summary>The create served from the pool, or null when no member matches or all were taken (go cold).</summary>
    public async Task<WorkspaceAccepted?> TryClaimAsync(PrebuildClaimRequest request, CancellationToken cancellationToken)
    {
        var spec = request.Spec;
        if (spec.Prebuilds is not { Instances: > 0 } || request.Replicas != 1 || request.Cpu != spec.Resources!.Cpu || request.MemoryMiB != spec.Resources.MemoryMiB) return null;
        string preset = PrebuildPreset.Key(spec, PrebuildPreset.Values(spec));
        if (PrebuildPreset.Key(spec, request.Parameters) != preset) return null;

        var candidates = await ReadyMembersAsync(request.Template, request.Version, preset, cancellationToken);

        // Concurrent claimers start at different members, so most win their first try.
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates));
        foreach (var member in candidates)
        {
            string claim = Ids.OperationId(member.RowKey, member.OperationGeneration + 1, WireNames.Of(OperationKind.Provision));
            member.PoolClaim = claim;
            member.PoolClaimedAt = time.GetUtcNow();
            try
            {
                await workspaces.UpdateAsync(member, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                LogLost(logger, member.RowKey);
                continue;
            }

            return await MoveAsync(member, claim, request, cancellationToken);
        }

        return null;
    }

    async Task<WorkspaceAccepted> MoveAsync(WorkspaceEntity member, string claim, PrebuildClaimRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Caller;
        var now = time.GetUtcNow();
        string values = ParameterValues.Write(request.Parameters) ?? "";
        var owned = Moved(member, caller.User, request.Name, caller.Actor, values, now);
        bool quotaTaken = false;
        try
        {
            await quotas.ReserveAsync(caller.User, member.RowKey, new QuotaReservation(member.Cpu, member.MemoryMiB, member.Replicas, Running: true), cancellationToken);
            quotaTaken = true;
            await workspaces.AddMovedAsync(owned, cancellationToken);
        }
        catch (Exception)
        {
            if (quotaTaken) await quotas.ReleaseAsync(caller.User, member.RowKey, CancellationToken.None);
            await ReleaseAsync(member, claim);
            throw;
        }

        // From here the owner's row exists. The claim's operation is written before the token is marked for handover: the
        // agent may take the handover, personalize and confirm within milliseconds (its event replies tell it at once that
        // the manifest changed), and a confirm that found no operation row would leave the operation running for ever.
        await Task.WhenAll(
            operations.CreateAsync(new OperationEntity
            {
                PartitionKey = claim,
                Kind = WireNames.Of(OperationKind.Provision),
                WorkspaceId = owned.RowKey,
                Owner = owned.PartitionKey,
                Status = "running",
                Progress = "claimed from the warm pool; waiting for the agent to personalize",
                Actor = caller.Actor,
                StartedAt = now,
                LastProgressAt = now,
            }, cancellationToken),
            timeline.AppendAsync(owned.RowKey, new TimelineEntry(now, "pool-claimed", "prebuild.claimed",
                $"Claimed by {caller.Actor} at {now:u} as '{owned.Name}' from the pool of template {owned.Template} v{owned.TemplateVersion} " +
                $"(pool member since {member.CreatedAt:u}); no provision ran. The agent's token is rotated and it personalizes from the manifest.",
                "prebuild_claim", caller.Actor, claim), cancellationToken));

        // Then the old token can be handed over, and the pool row goes.
        await tokens.PrepareHandoverAsync(member.RowKey, caller.User, cancellationToken);
        await workspaces.CompleteMoveAsync(member, owned, cancellationToken);
        signal.Notify(owned.RowKey);
        LogClaimed(logger, owned.RowKey, caller.User);
        return new WorkspaceAccepted(owned.RowKey, owned.Name, WorkspaceStatus.Starting, OperationLauncher.Pending(claim, OperationKind.Provision) with { Status = OperationStatus.Running });
    }

    /// <summary>
    /// The agent of a claimed workspace re-read its manifest with its new token after personalizing: the workspace is
    /// running, and the claim's operation succeeded. Idempotent (a second call finds it running).
    /// </summary>
    public async Task ConfirmAsync(WorkspaceEntity workspace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await workspaces.MutateAsync(workspace.PartitionKey, workspace.RowKey, w =>
        {
            if (w.PoolClaim is null || w.OperationId is not null || !w.IsIn(WorkspaceStatus.Starting)) return false;
            w.Status = WireNames.Of(WorkspaceStatus.Running);
            w.UpdatedAt = now;
            return true;
        }, cancellationToken);
        if (stored is null || stored.UpdatedAt != now || stored.PoolClaim is not { } claim) return;
        double ms = (now - (stored.PoolClaimedAt ?? now)).TotalMilliseconds;
        await Task.WhenAll(
            tokens.RetireHandedOverAsync(stored.RowKey, cancellationToken),
            operations.MutateAsync(claim, o =>
            {
                if (OperationStore.IsFinished(o.Status)) return false;
                o.Status = OperationStore.StatusName(OperationStatus.Succeeded);
                o.Progress = "personalized";
                o.EndedAt = now;
                return true;
            }, cancellationToken),
            timeline.AppendAsync(stored.RowKey, new TimelineEntry(now, "pool-personalized", "prebuild.personalized",
                $"The agent took its new token and the owner's manifest and personalized; running {ms:0} ms after the claim.", "prebuild_claim", PrebuildPool.Actor, claim), cancellationToken));
    }

    static WorkspaceEntity Moved(WorkspaceEntity member, string owner, string name, string actor, string values, DateTimeOffset now) => new()
    {
        PartitionKey = owner,
        RowKey = member.RowKey,
        Name = name,
        Template = member.Template,
        TemplateVersion = member.TemplateVersion,
        Provisioner = member.Provisioner,
        Cpu = member.Cpu,
        MemoryMiB = member.MemoryMiB,
        Replicas = member.Replicas,
        LimitsEnforced = member.LimitsEnforced,
        Isolation = member.Isolation,
        IsolationReason = member.IsolationReason,
        DesiredState = DesiredStates.Running,
        Status = WireNames.Of(WorkspaceStatus.Starting),
        OperationGeneration = member.OperationGeneration + 1,
        AgentBuild = member.AgentBuild,
        BuildStartedAt = member.BuildStartedAt,
        ResourceIds = member.ResourceIds,
        ComputeInstance = member.ComputeInstance,
        CreatedAt = now,
        UpdatedAt = now,
        CreatedBy = actor,
        ParametersJson = values,
        BuildParametersJson = values,
        PoolPreset = member.PoolPreset,
        PoolClaim = member.PoolClaim,
        PoolClaimedAt = member.PoolClaimedAt,
    };

    /// <summary>Gives a claimed member back to the pool (its claim is cleared only if it is still this claim's).</summary>
    async Task ReleaseAsync(WorkspaceEntity member, string claim) =>
        await workspaces.MutateAsync(member.PartitionKey, member.RowKey, w =>
        {
            if (w.PoolClaim != claim) return false;
            w.PoolClaim = null;
            w.PoolClaimedAt = null;
            return true;
        }, CancellationToken.None);

    async Task<List<WorkspaceEntity>> ReadyMembersAsync(string template, int version, string preset, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {PrebuildPool.Owner} and RowKey ge {WorkspaceStore.RowKeyFrom} and RowKey lt {WorkspaceStore.RowKeyTo} and Template eq {template} and TemplateVersion eq {version} and PoolPreset eq {preset} and Status eq {"running"}");
        var members = new List<WorkspaceEntity>();
        await foreach (var row in tables.Workspaces.QueryAsync<WorkspaceEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.PoolClaim is null && row.OperationId is null) members.Add(row);
        }

        return members;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Claimed pool member {WorkspaceId} for {Owner}")]
    static partial void LogClaimed(ILogger logger, string workspaceId, string owner);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lost the claim of pool member {WorkspaceId} to a concurrent create; trying the next")]
    static partial void LogLost(ILogger logger, string workspaceId);
}
