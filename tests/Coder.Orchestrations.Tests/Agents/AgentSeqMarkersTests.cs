using Azure.Data.Tables;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.Agents;

/// <summary>The redelivery markers stay bounded: pruned far behind each agent's latest seq, and gone with a stopped workspace.</summary>
[Collection(StorageCollection.Name)]
public sealed class AgentSeqMarkersTests(TestStorage storage)
{
    [Fact]
    public async Task Markers_FarBehindAnAgentsLatestSeq_ArePruned_AndRecentOnesStillDropARedelivery()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var markers = new AgentSeqMarkers(tables, TimeProvider.System);
        const string agent = "ws-markprune01-b1-r0";

        foreach (long seq in new long[] { 10, 300, 600 }) await markers.MarkAsync(agent, seq, CancellationToken.None);
        Assert.Equal([10L, 300L, 600L], await SeqsAsync(tables, agent));

        // 1,500 crosses a step of AgentSeqMarkers.PruneEvery: what is more than KeepSeqs behind it goes.
        await markers.MarkAsync(agent, 1_500, CancellationToken.None);
        Assert.Equal([600L, 1_500L], await SeqsAsync(tables, agent));
        await markers.MarkAsync(agent, 1_800, CancellationToken.None);
        Assert.Equal([1_500L, 1_800L], await SeqsAsync(tables, agent));

        Assert.True(await markers.SeenAsync(agent, 1_500, CancellationToken.None));
        Assert.False(await markers.SeenAsync(agent, 1_600, CancellationToken.None));

        // Another instance pruning the same rows at once: both end with the same rows, neither fails.
        var other = new AgentSeqMarkers(tables, TimeProvider.System);
        await other.MarkAsync(agent, 1_900, CancellationToken.None);
        await Task.WhenAll(markers.MarkAsync(agent, 2_600, CancellationToken.None), other.MarkAsync(agent, 2_601, CancellationToken.None));
        Assert.Equal([1_800L, 1_900L, 2_600L, 2_601L], await SeqsAsync(tables, agent));
    }

    [Fact]
    public async Task ForgetWorkspace_DeletesTheMarkersOfEveryBuildOfThatWorkspaceOnly()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var markers = new AgentSeqMarkers(tables, TimeProvider.System);
        string[] ours = ["ws-markforg01-b1-r0", "ws-markforg01-b1-r1", "ws-markforg01-b2-r0"];
        string[] theirs = ["ws-markforg011-b1-r0", "ws-markforg0-b1-r0", "ws-markforg02-b1-r0"];
        // More than one transaction's hundred rows for an agent, and a few for the workspaces whose ids are its neighbours.
        foreach (string agent in ours.Concat(theirs))
            for (long seq = 1; seq <= (ours.Contains(agent) ? 120 : 3); seq++) await tables.AgentSeqs.UpsertEntityAsync(new AgentSeqEntity { PartitionKey = agent, RowKey = AgentSeqEntity.RowKeyFor(seq) });

        await markers.ForgetWorkspaceAsync("ws-markforg01", CancellationToken.None);
        await markers.ForgetWorkspaceAsync("ws-markforg01", CancellationToken.None);

        foreach (string agent in ours) Assert.Empty(await SeqsAsync(tables, agent));
        foreach (string agent in theirs) Assert.Equal([1L, 2L, 3L], await SeqsAsync(tables, agent));
    }

    static async Task<List<long>> SeqsAsync(CoderTables tables, string agentId)
    {
        var seqs = new List<long>();
        await foreach (var row in tables.AgentSeqs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {agentId}"), select: ["RowKey"]))
            seqs.Add(long.Parse(row.RowKey, System.Globalization.CultureInfo.InvariantCulture));
        return seqs;
    }
}
