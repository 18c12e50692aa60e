using Azure.Data.Tables;
using Coder.Contracts.Quotas;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Quotas;

/// <summary>
/// Quota limits and the per-owner reservations that enforce them. A create, start or scale takes its reservation here
/// before it writes the workspace; the check and the write are one ETag-conditional write of the owner's usage row,
/// so two requests racing for the last slot are serialized and the second sees the first's reservation.
/// </summary>
public sealed class QuotaLedger(CoderTables tables, TimeProvider time)
{
    /// <summary>
    /// How long the limits in force for an owner are reused without reading them: a change made on this instance applies at
    /// once, one made on another within this time (as the active template version).
    /// </summary>
    public static readonly TimeSpan LimitsCacheTime = TimeSpan.FromSeconds(2);

    readonly ExpiringCache<QuotaLimits> _limits = new(time, LimitsCacheTime);

    // The usage row as this instance last read or wrote it, by owner: the next reservation is written under its ETag
    // without reading it first (a 412 says another writer came between, and the row is read again). Never trusted alone:
    // see OptimisticConcurrency.MutateRememberedAsync.
    readonly ExpiringCache<QuotaUsageEntity> _usage = new(time, TimeSpan.FromMinutes(1));

    // One writer of an owner's usage row at a time on this instance (striped by owner): concurrent creates of one owner
    // take turns instead of racing each other's ETags (200 at once exhausted the conflict retries), and each turn starts
    // from the row the previous one wrote, so it is one write. Other instances still race through the ETag.
    readonly SemaphoreSlim[] _writers = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Sets <paramref name="workspaceId"/>'s reservation to <paramref name="wanted"/> when the owner's limits allow it,
    /// else 403 naming the quota, its limit and the usage. Only a change that grows past a limit is refused, so shrinking
    /// stays possible for an owner already over a lowered limit. Returns the reservation it replaced (for <see cref="RestoreAsync"/>).
    /// </summary>
    public async Task<QuotaReservation?> ReserveAsync(string owner, string workspaceId, QuotaReservation wanted, CancellationToken cancellationToken)
    {
        var limits = await LimitsAsync(owner, cancellationToken);
        return await SetAsync(owner, workspaceId, wanted, limits, cancellationToken);
    }

    /// <summary>Drops the workspace's reservation (a delete, or a create that failed); releasing twice is releasing once.</summary>
    public Task ReleaseAsync(string owner, string workspaceId, CancellationToken cancellationToken) =>
        SetAsync(owner, workspaceId, null, limits: null, cancellationToken);

    /// <summary>Puts back what <see cref="ReserveAsync"/> replaced, unchecked (the request that took it did not go through).</summary>
    public Task RestoreAsync(string owner, string workspaceId, QuotaReservation? previous, CancellationToken cancellationToken) =>
        SetAsync(owner, workspaceId, previous, limits: null, cancellationToken);

    /// <summary>Records what the workspace row now declares (a stop or a delete, which only ever lowers usage), unchecked.</summary>
    public Task DeclareAsync(WorkspaceEntity workspace, CancellationToken cancellationToken) =>
        SetAsync(workspace.PartitionKey, workspace.RowKey, QuotaReservation.Of(workspace), limits: null, cancellationToken);

    public async Task<QuotaUsage> UsageAsync(string owner, CancellationToken cancellationToken)
    {
        var row = await tables.Quotas.GetEntityIfExistsAsync<QuotaUsageEntity>(owner, QuotaUsageEntity.Row, cancellationToken: cancellationToken);
        return Sum(row.HasValue ? Read(row.Value!) : await SeedAsync(owner, cancellationToken));
    }

    /// <summary>The limits in force for <paramref name="owner"/>: each of the owner's own, else the default's.</summary>
    public async Task<QuotaLimits> LimitsAsync(string owner, CancellationToken cancellationToken)
    {
        if (_limits.TryGet(owner, out var cached)) return cached;
        var own = GetLimitsAsync(owner, cancellationToken);
        var fallback = await GetLimitsAsync(QuotaLimitsEntity.DefaultOwner, cancellationToken);
        var mine = await own;
        var limits = new QuotaLimits(
            mine?.MaxWorkspaces ?? fallback?.MaxWorkspaces,
            mine?.MaxRunningWorkspaces ?? fallback?.MaxRunningWorkspaces,
            mine?.MaxCpu ?? fallback?.MaxCpu,
            mine?.MaxMemoryMiB ?? fallback?.MaxMemoryMiB);
        _limits.Set(owner, limits);
        return limits;
    }

    /// <summary>The limits stored for <paramref name="owner"/> alone (or <see cref="QuotaLimitsEntity.DefaultOwner"/>), all null when none are.</summary>
    public async Task<QuotaLimits> StoredLimitsAsync(string owner, CancellationToken cancellationToken)
    {
        var row = await GetLimitsAsync(owner, cancellationToken);
        return row is null ? new QuotaLimits() : new QuotaLimits(row.MaxWorkspaces, row.MaxRunningWorkspaces, row.MaxCpu, row.MaxMemoryMiB);
    }

    /// <summary>Replaces the limits of <paramref name="owner"/> (or the default), inserting the row or replacing it under its ETag; unchanged limits write nothing.</summary>
    public async Task SetLimitsAsync(string owner, QuotaLimits limits, string actor, CancellationToken cancellationToken)
    {
        await OptimisticConcurrency.MutateAsync<QuotaLimitsEntity>(
            null,
            async ct => await GetLimitsAsync(owner, ct) ?? new QuotaLimitsEntity { PartitionKey = owner },
            row =>
            {
                // The same limits again change nothing, not even the row's time: a repeated PUT is a no-op.
                if (new QuotaLimits(row.MaxWorkspaces, row.MaxRunningWorkspaces, row.MaxCpu, row.MaxMemoryMiB) == limits) return false;
                row.MaxWorkspaces = limits.MaxWorkspaces;
                row.MaxRunningWorkspaces = limits.MaxRunningWorkspaces;
                row.MaxCpu = limits.MaxCpu;
                row.MaxMemoryMiB = limits.MaxMemoryMiB;
                row.UpdatedAt = time.GetUtcNow();
                row.UpdatedBy = actor;
                return true;
            },
            (row, ct) => OptimisticConcurrency.SaveAsync(tables.Quotas, row, ct),
            cancellationToken);

        // The default's limits are every owner's fallback, so its change forgets them all.
        if (owner == QuotaLimitsEntity.DefaultOwner) _limits.Clear();
        else _limits.Remove(owner);
    }

    /// <summary>The usage of <paramref name="reservations"/>: cpu and memory count only workspaces meant to run, times their replicas.</summary>
    public static QuotaUsage Sum(IReadOnlyDictionary<string, QuotaReservation> reservations)
    {
        var running = reservations.Values.Where(r => r.Running).ToList();
        return new QuotaUsage(reservations.Count, running.Count, running.Sum(r => r.Cpu * r.Replicas), running.Sum(r => r.MemoryMiB * r.Replicas));
    }

    /// <summary>The first quota that going from <paramref name="before"/> to <paramref name="after"/> would break, as a 403; null when none.</summary>
    public static CoderProblemException? Exceeded(QuotaLimits limits, QuotaUsage before, QuotaUsage after)
    {
        if (limits.MaxWorkspaces is { } maxWorkspaces && after.Workspaces > maxWorkspaces && after.Workspaces > before.Workspaces)
            return Refusal("maxWorkspaces", maxWorkspaces, before.Workspaces, "workspaces");
        if (limits.MaxRunningWorkspaces is { } maxRunning && after.RunningWorkspaces > maxRunning && after.RunningWorkspaces > before.RunningWorkspaces)
            return Refusal("maxRunningWorkspaces", maxRunning, before.RunningWorkspaces, "running workspaces");
        if (limits.MaxCpu is { } maxCpu && after.Cpu > maxCpu + 1e-9 && after.Cpu > before.Cpu)
            return Refusal("maxCpu", maxCpu, before.Cpu, $"cpu in running workspaces; this would make it {after.Cpu:0.###}");
        if (limits.MaxMemoryMiB is { } maxMemory && after.MemoryMiB > maxMemory && after.MemoryMiB > before.MemoryMiB)
            return Refusal("maxMemoryMiB", maxMemory, before.MemoryMiB, $"MiB in running workspaces; this would make it {after.MemoryMiB}");
        return null;
    }

    static CoderProblemException Refusal(string quota, double limit, double usage, string unit) =>
        new(403, "Quota exceeded.", $"The {quota} quota is {limit:0.###} and {usage:0.###} {unit} are in use, so this request would exceed it.",
            new Dictionary<string, string[]> { [quota] = [$"limit {limit:0.###}", $"usage {usage:0.###}"] });

    async Task<QuotaReservation?> SetAsync(string owner, string workspaceId, QuotaReservation? wanted, QuotaLimits? limits, CancellationToken cancellationToken)
    {
        var writer = _writers[(int)((uint)StringComparer.Ordinal.GetHashCode(owner) % (uint)_writers.Length)];
        await writer.WaitAsync(cancellationToken);
        try
        {
            return await SetUnderLockAsync(owner, workspaceId, wanted, limits, cancellationToken);
        }
        finally
        {
            writer.Release();
        }
    }

    async Task<QuotaReservation?> SetUnderLockAsync(string owner, string workspaceId, QuotaReservation? wanted, QuotaLimits? limits, CancellationToken cancellationToken)
    {
        QuotaReservation? previous = null;
        var remembered = _usage.TryGet(owner, out var known) ? RowCopy.Of(known) : null;
        var stored = await OptimisticConcurrency.MutateRememberedAsync<QuotaUsageEntity>(
            remembered,
            async ct =>
            {
                var row = await tables.Quotas.GetEntityIfExistsAsync<QuotaUsageEntity>(owner, QuotaUsageEntity.Row, cancellationToken: ct);
                return row.HasValue ? row.Value! : new QuotaUsageEntity { PartitionKey = owner, Reservations = Json.Serialize(await SeedAsync(owner, ct)) };
            },
            row =>
            {
                var reservations = Read(row);
                previous = reservations.GetValueOrDefault(workspaceId);
                if (previous == wanted && row.ETag != default) return false;
                var before = Sum(reservations);
                if (wanted is null) reservations.Remove(workspaceId);
                else reservations[workspaceId] = wanted;
                if (limits is not null && Exceeded(limits, before, Sum(reservations)) is { } refusal) throw refusal;
                row.Reservations = Json.Serialize(reservations);
                return true;
            },
            (row, ct) => OptimisticConcurrency.SaveAsync(tables.Quotas, row, ct),
            cancellationToken);
        if (stored is not null && stored.ETag != default) _usage.Set(owner, RowCopy.Of(stored));
        return previous;
    }

    static Dictionary<string, QuotaReservation> Read(QuotaUsageEntity row) =>
        Json.Deserialize<Dictionary<string, QuotaReservation>>(row.Reservations) ?? [];

    /// <summary>An owner without a usage row yet (their workspaces predate quotas): what their workspace rows declare.</summary>
    async Task<Dictionary<string, QuotaReservation>> SeedAsync(string owner, CancellationToken cancellationToken)
    {
        var seeded = new Dictionary<string, QuotaReservation>(StringComparer.Ordinal);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {owner} and RowKey ge {WorkspaceStore.RowKeyFrom} and RowKey lt {WorkspaceStore.RowKeyTo}");
        await foreach (var workspace in tables.Workspaces.QueryAsync<WorkspaceEntity>(filter, cancellationToken: cancellationToken))
        {
            if (QuotaReservation.Of(workspace) is { } declared) seeded[workspace.RowKey] = declared;
        }

        return seeded;
    }

    async Task<QuotaLimitsEntity?> GetLimitsAsync(string owner, CancellationToken cancellationToken)
    {
        var row = await tables.Quotas.GetEntityIfExistsAsync<QuotaLimitsEntity>(owner, QuotaLimitsEntity.Row, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }
}
