using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.State;

/// <summary>The one read-mutate-conditional-write loop, against real Table Storage (Azurite).</summary>
[Collection(StorageCollection.Name)]
public sealed class OptimisticConcurrencyTests(TestStorage storage)
{
    [Fact]
    public async Task ConcurrentMutationsOfOneRowAreAllKept()
    {
        var table = (await StorageFactory.CreateTablesAsync(storage)).Workspaces;
        var key = Guid.NewGuid().ToString("n");
        await table.AddEntityAsync(new TableEntity(key, "counter") { ["Count"] = 0 });

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => OptimisticConcurrency.MutateEntityAsync<TableEntity>(table, key, "counter", row =>
        {
            row["Count"] = (int)row["Count"] + 1;
            return true;
        }, CancellationToken.None)));

        var stored = await table.GetEntityAsync<TableEntity>(key, "counter");
        Assert.Equal(12, stored.Value.GetInt32("Count"));
    }

    [Fact]
    public async Task AMutationThatDeclinesWritesNothingAndAMissingRowIsNull()
    {
        var table = (await StorageFactory.CreateTablesAsync(storage)).Workspaces;
        var key = Guid.NewGuid().ToString("n");
        var added = await table.AddEntityAsync(new TableEntity(key, "row") { ["Value"] = "a" });

        var declined = await OptimisticConcurrency.MutateEntityAsync<TableEntity>(table, key, "row", _ => false, CancellationToken.None);
        var missing = await OptimisticConcurrency.MutateEntityAsync<TableEntity>(table, key, "absent", _ => throw new InvalidOperationException("no row to mutate"), CancellationToken.None);

        Assert.Equal(added.Headers.ETag, declined!.ETag);
        Assert.Null(missing);
        Assert.Equal(added.Headers.ETag, (await table.GetEntityAsync<TableEntity>(key, "row")).Value.ETag);
    }

    [Fact]
    public async Task AStaleFirstReadIsRetriedOnAFreshOne()
    {
        var table = (await StorageFactory.CreateTablesAsync(storage)).Workspaces;
        var key = Guid.NewGuid().ToString("n");
        await table.AddEntityAsync(new TableEntity(key, "row") { ["Items"] = "" });
        var stale = (await table.GetEntityAsync<TableEntity>(key, "row")).Value;
        await OptimisticConcurrency.MutateEntityAsync<TableEntity>(table, key, "row", r => { r["Items"] = "first"; return true; }, CancellationToken.None);

        var stored = await OptimisticConcurrency.MutateAsync(
            stale,
            async ct => (await table.GetEntityAsync<TableEntity>(key, "row", cancellationToken: ct)).Value,
            r => { r["Items"] = r.GetString("Items") + ",second"; return true; },
            (r, ct) => OptimisticConcurrency.ReplaceAsync(table, r, ct),
            CancellationToken.None);

        Assert.Equal("first,second", stored!.GetString("Items"));
    }

    [Fact]
    public async Task ConcurrentFirstWritesOfAMissingRowInsertOnceAndKeepEveryChange()
    {
        var table = (await StorageFactory.CreateTablesAsync(storage)).Workspaces;
        var key = Guid.NewGuid().ToString("n");

        // A row read as missing is made fresh (no ETag), so SaveAsync inserts it; the writers that lose that race get 409,
        // read the row the winner inserted and change it under its ETag.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OptimisticConcurrency.MutateAsync(
            null,
            async ct => (await table.GetEntityIfExistsAsync<TableEntity>(key, "counter", cancellationToken: ct)) is { HasValue: true } found ? found.Value! : new TableEntity(key, "counter") { ["Count"] = 0 },
            row => { row["Count"] = row.GetInt32("Count")!.Value + 1; return true; },
            (row, ct) => OptimisticConcurrency.SaveAsync(table, row, ct),
            CancellationToken.None)));

        var stored = await table.GetEntityAsync<TableEntity>(key, "counter");
        Assert.Equal(8, stored.Value.GetInt32("Count"));
    }

    [Fact]
    public async Task SaveAsyncCarriesTheNewETagBack_AndAStaleOneIsA412()
    {
        var table = (await StorageFactory.CreateTablesAsync(storage)).Workspaces;
        var key = Guid.NewGuid().ToString("n");
        var row = await OptimisticConcurrency.SaveAsync(table, new TableEntity(key, "row") { ["Value"] = "a" }, CancellationToken.None);
        var stale = new TableEntity(key, "row") { ["Value"] = "stale", ETag = row.ETag };

        row["Value"] = "b";
        await OptimisticConcurrency.SaveAsync(table, row, CancellationToken.None);

        Assert.Equal((await table.GetEntityAsync<TableEntity>(key, "row")).Value.ETag, row.ETag);
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => OptimisticConcurrency.SaveAsync(table, stale, CancellationToken.None));
        Assert.Equal(412, e.Status);
        var twice = await Assert.ThrowsAsync<RequestFailedException>(() => OptimisticConcurrency.SaveAsync(table, new TableEntity(key, "row"), CancellationToken.None));
        Assert.Equal(409, twice.Status);
    }

    [Fact]
    public async Task AConflictThatNeverClearsReachesTheCallerAfterTheCap()
    {
        int attempts = 0;
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => OptimisticConcurrency.RetryOnConflictAsync<int>((_, _) =>
        {
            attempts++;
            throw new RequestFailedException(412, "precondition failed");
        }, CancellationToken.None));

        Assert.Equal(412, e.Status);
        Assert.Equal(OptimisticConcurrency.MaxAttempts, attempts);
    }

    [Fact]
    public async Task OtherFailuresAreNotRetried()
    {
        int attempts = 0;
        await Assert.ThrowsAsync<RequestFailedException>(() => OptimisticConcurrency.RetryOnConflictAsync<int>((_, _) =>
        {
            attempts++;
            throw new RequestFailedException(500, "server error");
        }, CancellationToken.None));

        Assert.Equal(1, attempts);
    }
}
