using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// The redelivery markers (<see cref="AgentSeqEntity"/>: PK = agent id, RK = seq), one per applied envelope except
/// heartbeats, which drop an envelope delivered twice. Before, they were never deleted: a fleet of 2,000 sending metrics
/// every minute added about 2.9 million rows a day. Two bounds now:
/// <list type="bullet">
/// <item>Each time an agent's marked seqs cross a multiple of <see cref="PruneEvery"/>, its markers more than
/// <see cref="KeepSeqs"/> seqs behind go. An envelope that late is not redelivered: the agent's outbox sends its unacked
/// events oldest first, one batch of at most 100 in flight, so what it resends is never far behind what it sent last, and
/// a queue redelivers a message within its lock time, minutes, while 1,024 seqs are an hour of a busy agent.</item>
/// <item>A stopped or deleted workspace's markers go with it (<see cref="ForgetWorkspaceAsync"/>): its tokens are revoked,
/// so nothing its agents send is applied again anyway.</item>
/// </list>
/// </summary>
public sealed class AgentSeqMarkers(CoderTables tables, TimeProvider time)
{
    /// <summary>How far behind an agent's latest marked seq its markers are kept.</summary>
    public const long KeepSeqs = 1024;

    /// <summary>How often (in seqs) an agent's old markers are pruned.</summary>
    public const long PruneEvery = 256;

    // The last seq marked for each agent on this instance: a prune runs when a new mark crosses a multiple of PruneEvery.
    readonly ExpiringCache<long> _lastMarked = new(time, TimeSpan.FromHours(1), 100_000);

    /// <summary>Whether the envelope (<paramref name="agentId"/>, <paramref name="seq"/>) was applied already.</summary>
    public async Task<bool> SeenAsync(string agentId, long seq, CancellationToken cancellationToken) =>
        (await tables.AgentSeqs.GetEntityIfExistsAsync<AgentSeqEntity>(agentId, AgentSeqEntity.RowKeyFor(seq), select: ["RowKey"], cancellationToken: cancellationToken)).HasValue;

    /// <summary>Marks the envelope applied, and prunes the agent's markers far behind it when its seqs crossed a step.</summary>
    public async Task MarkAsync(string agentId, long seq, CancellationToken cancellationToken)
    {
        await tables.AgentSeqs.UpsertEntityAsync(new AgentSeqEntity { PartitionKey = agentId, RowKey = AgentSeqEntity.RowKeyFor(seq) }, TableUpdateMode.Replace, cancellationToken);
        bool known = _lastMarked.TryGet(agentId, out long last);
        if (!known || seq > last) _lastMarked.Set(agentId, seq);
        bool crossed = known && seq / PruneEvery > last / PruneEvery;
        if (crossed && seq > KeepSeqs)
        {
            string before = AgentSeqEntity.RowKeyFor(seq - KeepSeqs);
            await DeleteAsync(TableClient.CreateQueryFilter($"PartitionKey eq {agentId} and RowKey lt {before}"), cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the markers of every agent the workspace ever had (agent ids are <c>{workspace}-{build}-r{replica}</c>, so
    /// they are one range of partition keys). Idempotent.
    /// </summary>
    public async Task ForgetWorkspaceAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await DeleteAsync(TableClient.CreateQueryFilter($"PartitionKey ge {workspaceId + "-"} and PartitionKey lt {workspaceId + "."}"), cancellationToken);
    }

    async Task DeleteAsync(string filter, CancellationToken cancellationToken)
    {
        var found = new List<TableEntity>();
        await foreach (var row in tables.AgentSeqs.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)) found.Add(row);

        // One transaction per agent and hundred rows; a row another instance deleted first fails its whole batch, which is
        // then deleted row by row.
        foreach (var batch in found.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)))
        {
            try
            {
                await tables.AgentSeqs.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                foreach (var row in batch) await tables.AgentSeqs.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            }
        }
    }
}
