using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Upgrades.Rollouts;

namespace Coder.Orchestrations.Tests.Upgrades;

/// <summary>The rollout store on real Table Storage: one running rollout per template, derived ids, no lost updates.</summary>
[Collection(StorageCollection.Name)]
public sealed class RolloutStoreTests(TestStorage storage)
{
    static RolloutEntity Header(string template) => new() { Template = template, Version = 2, Status = RolloutStates.Pending, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };

    [Fact]
    public async Task BeginAsync_Concurrently_OneRolloutWinsAndTheOthersGet409NamingIt()
    {
        var store = new RolloutStore(await StorageFactory.CreateTablesAsync(storage));
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                return (Id: (await store.BeginAsync(Header("tpl"), CancellationToken.None)).PartitionKey, Conflict: (string?)null);
            }
            catch (CoderProblemException e) when (e.Status == 409)
            {
                return (Id: (string?)null, Conflict: e.OperationId);
            }
        }));
        string winner = Assert.Single(attempts, a => a.Id is not null).Id!;
        Assert.Equal("ro-tpl-0001", winner);
        Assert.All(attempts.Where(a => a.Id is null), a => Assert.Equal(winner, a.Conflict));
    }

    [Fact]
    public async Task BeginAsync_AfterTheRolloutEnds_NextGenerationStarts()
    {
        var store = new RolloutStore(await StorageFactory.CreateTablesAsync(storage));
        var first = await store.BeginAsync(Header("tpl"), CancellationToken.None);
        await store.MutateHeaderAsync(first.PartitionKey, h => { h.Status = RolloutStates.Succeeded; return true; }, CancellationToken.None);
        var second = await store.BeginAsync(Header("tpl"), CancellationToken.None);
        Assert.Equal("ro-tpl-0002", second.PartitionKey);
    }

    [Fact]
    public async Task MutateWorkspaceAsync_ConcurrentWriters_NoUpdateIsLost()
    {
        var store = new RolloutStore(await StorageFactory.CreateTablesAsync(storage));
        var rollout = await store.BeginAsync(Header("tpl"), CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.MutateWorkspaceAsync(rollout.PartitionKey, "ws-a", w => { w.Attempts++; return true; }, CancellationToken.None)));
        var read = await store.ReadAsync(rollout.PartitionKey, CancellationToken.None);
        Assert.Equal(8, Assert.Single(read!.Value.Workspaces).Attempts);
    }
}
