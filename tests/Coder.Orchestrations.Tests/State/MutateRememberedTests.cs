using System.Globalization;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.State;

/// <summary>
/// <see cref="OptimisticConcurrency.MutateRememberedAsync"/> on real tables: a remembered row saves the read only when
/// the conditional write proves it current; every other decision is made again on a fresh read.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class MutateRememberedTests(TestStorage storage)
{
    [Fact]
    public async Task ACurrentMemory_WritesWithoutARead_AStaleOneIsReadAgain_AndNoDecisionRestsOnAStaleMemory()
    {
        var table = (await StorageFactory.CreateTablesAsync(storage)).Operations;
        await table.AddEntityAsync(new OperationEntity { PartitionKey = "op", Kind = "provision", Status = "running", Progress = "1" });
        var current = (await table.GetEntityAsync<OperationEntity>("op", "")).Value;
        int reads = 0;
        async Task<OperationEntity?> ReadAsync(CancellationToken ct)
        {
            reads++;
            return (await table.GetEntityAsync<OperationEntity>("op", "", cancellationToken: ct)).Value;
        }

        static int Count(OperationEntity row) => int.Parse(row.Progress!, CultureInfo.InvariantCulture);
        static bool Increment(OperationEntity row)
        {
            row.Progress = (Count(row) + 1).ToString(CultureInfo.InvariantCulture);
            return true;
        }

        Task<OperationEntity> WriteAsync(OperationEntity row, CancellationToken ct) => OptimisticConcurrency.ReplaceAsync(table, row, ct);

        // Current: no read, one write.
        var stored = await OptimisticConcurrency.MutateRememberedAsync(RowCopy.Of(current), ReadAsync, Increment, WriteAsync, CancellationToken.None);
        Assert.Equal((0, 2), (reads, Count(stored!)));

        // Stale (the row changed since): the write's 412 sends it to a fresh read, and no increment is lost.
        stored = await OptimisticConcurrency.MutateRememberedAsync(RowCopy.Of(current), ReadAsync, Increment, WriteAsync, CancellationToken.None);
        Assert.Equal((1, 3), (reads, Count(stored!)));

        // A "leave it alone" or a refusal decided on the stale memory is decided again on the row as stored.
        stored = await OptimisticConcurrency.MutateRememberedAsync(RowCopy.Of(current), ReadAsync, row => Count(row) >= 3 && Increment(row), WriteAsync, CancellationToken.None);
        Assert.Equal((2, 4), (reads, Count(stored!)));
        stored = await OptimisticConcurrency.MutateRememberedAsync(RowCopy.Of(current), ReadAsync, row => Count(row) < 4 ? throw new InvalidOperationException("refused on stale data") : Increment(row), WriteAsync, CancellationToken.None);
        Assert.Equal((3, 5), (reads, Count(stored!)));
    }
}
