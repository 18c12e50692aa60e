using Coder.Contracts.Quotas;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.Quotas;

/// <summary>The quota reservations against real Table Storage (Azurite): atomic under concurrency, idempotent, declared not observed.</summary>
[Collection(StorageCollection.Name)]
public sealed class QuotaLedgerTests(TestStorage storage)
{
    static readonly QuotaReservation Small = new(1, 1024, 1, Running: true);

    [Fact]
    public async Task TenRacingReservationsForTheLastSlotLetExactlyOneIn()
    {
        var (ledger, _) = await CreateAsync();
        await ledger.SetLimitsAsync("alice", new QuotaLimits(MaxWorkspaces: 3), "user:admin", CancellationToken.None);
        await ledger.ReserveAsync("alice", "ws-a", Small, CancellationToken.None);
        await ledger.ReserveAsync("alice", "ws-b", Small, CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                await ledger.ReserveAsync("alice", $"ws-race-{i}", Small, CancellationToken.None);
                return (Won: true, Refusal: (CoderProblemException?)null);
            }
            catch (CoderProblemException e)
            {
                return (Won: false, Refusal: e);
            }
        }));

        Assert.Single(outcomes, o => o.Won);
        Assert.All(outcomes.Where(o => !o.Won), o =>
        {
            Assert.Equal(403, o.Refusal!.Status);
            Assert.Contains("maxWorkspaces quota is 3", o.Refusal.Detail);
            Assert.Contains("3 workspaces are in use", o.Refusal.Detail);
        });
        Assert.Equal(3, (await ledger.UsageAsync("alice", CancellationToken.None)).Workspaces);
    }

    [Fact]
    public async Task ReleasingFreesTheSlotOnceAndAStopFreesOnlyTheRunningShare()
    {
        var (ledger, _) = await CreateAsync();
        await ledger.SetLimitsAsync(QuotaLimitsEntity.DefaultOwner, new QuotaLimits(MaxWorkspaces: 2, MaxRunningWorkspaces: 1, MaxCpu: 4), "user:admin", CancellationToken.None);
        await ledger.ReserveAsync("bob", "ws-1", new QuotaReservation(2, 2048, 2, Running: true), CancellationToken.None);
        Assert.Equal(new QuotaUsage(1, 1, 4, 4096), await ledger.UsageAsync("bob", CancellationToken.None));

        var running = await Assert.ThrowsAsync<CoderProblemException>(() => ledger.ReserveAsync("bob", "ws-2", Small, CancellationToken.None));
        Assert.Contains("maxRunningWorkspaces", running.Detail);
        Assert.Equal(new QuotaUsage(1, 1, 4, 4096), await ledger.UsageAsync("bob", CancellationToken.None));

        // A stop declares the workspace not running: it keeps its slot but frees the running one and its cpu.
        await ledger.DeclareAsync(new WorkspaceEntity { PartitionKey = "bob", RowKey = "ws-1", Cpu = 2, MemoryMiB = 2048, Replicas = 2, DesiredState = DesiredStates.Stopped }, CancellationToken.None);
        await ledger.ReserveAsync("bob", "ws-2", Small, CancellationToken.None);
        Assert.Equal(new QuotaUsage(2, 1, 1, 1024), await ledger.UsageAsync("bob", CancellationToken.None));

        await ledger.ReleaseAsync("bob", "ws-2", CancellationToken.None);
        await ledger.ReleaseAsync("bob", "ws-2", CancellationToken.None);
        Assert.Equal(new QuotaUsage(1, 0, 0, 0), await ledger.UsageAsync("bob", CancellationToken.None));
    }

    [Fact]
    public async Task AnOwnersLimitOverridesTheDefaultsAndShrinkingIsAllowedWhenOver()
    {
        var (ledger, _) = await CreateAsync();
        await ledger.SetLimitsAsync(QuotaLimitsEntity.DefaultOwner, new QuotaLimits(MaxWorkspaces: 1, MaxCpu: 2), "user:admin", CancellationToken.None);
        await ledger.SetLimitsAsync("carol", new QuotaLimits(MaxWorkspaces: 5), "user:admin", CancellationToken.None);
        Assert.Equal(new QuotaLimits(5, null, 2, null), await ledger.LimitsAsync("carol", CancellationToken.None));

        await ledger.ReserveAsync("carol", "ws-1", Small, CancellationToken.None);
        var cpu = await Assert.ThrowsAsync<CoderProblemException>(() => ledger.ReserveAsync("carol", "ws-1", Small with { Cpu = 3 }, CancellationToken.None));
        Assert.Contains("maxCpu quota is 2", cpu.Detail);
        Assert.Equal(["limit 2", "usage 1"], cpu.Errors!["maxCpu"]);

        // The limit is lowered below what is in use: growing is refused, shrinking is not.
        await ledger.SetLimitsAsync("carol", new QuotaLimits(MaxWorkspaces: 5, MaxCpu: 0.5), "user:admin", CancellationToken.None);
        var previous = await ledger.ReserveAsync("carol", "ws-1", Small with { Cpu = 0.75 }, CancellationToken.None);
        Assert.Equal(Small, previous);
        await ledger.RestoreAsync("carol", "ws-1", previous, CancellationToken.None);
        Assert.Equal(1, (await ledger.UsageAsync("carol", CancellationToken.None)).Cpu);
    }

    [Fact]
    public async Task AnOwnerWithoutAUsageRowStartsFromWhatTheirWorkspaceRowsDeclare()
    {
        var (ledger, tables) = await CreateAsync();
        await tables.Workspaces.AddEntityAsync(new WorkspaceEntity { PartitionKey = "dave", RowKey = "ws-old-1", Name = "a", Cpu = 2, MemoryMiB = 512, Replicas = 1, DesiredState = DesiredStates.Running });
        await tables.Workspaces.AddEntityAsync(new WorkspaceEntity { PartitionKey = "dave", RowKey = "ws-old-2", Name = "b", Cpu = 1, MemoryMiB = 512, DesiredState = DesiredStates.Stopped });
        await tables.Workspaces.AddEntityAsync(new WorkspaceEntity { PartitionKey = "dave", RowKey = "ws-old-3", Name = "c", Cpu = 1, MemoryMiB = 512, DesiredState = DesiredStates.Deleted, Status = "deleted" });
        await ledger.SetLimitsAsync("dave", new QuotaLimits(MaxWorkspaces: 2), "user:admin", CancellationToken.None);

        Assert.Equal(new QuotaUsage(2, 1, 2, 512), await ledger.UsageAsync("dave", CancellationToken.None));
        var refusal = await Assert.ThrowsAsync<CoderProblemException>(() => ledger.ReserveAsync("dave", "ws-new", Small, CancellationToken.None));
        Assert.Contains("quota", refusal.Detail);
    }

    async Task<(QuotaLedger Ledger, CoderTables Tables)> CreateAsync()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        return (new QuotaLedger(tables, TimeProvider.System), tables);
    }
}
