using Coder.Contracts.Agents;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Batching ingest per agent: a heartbeat's whole effect is "connected, heard from at its time or later", so within one
/// batch a heartbeat followed by a later heartbeat of the same agent changes nothing the later one does not, and is not
/// applied (it counts as accepted, as a duplicate does). An agent whose sends were held up (a slow or unreachable control
/// plane) posts its backlog in one batch; its heartbeats then cost one row write, not one each, so ingest catches up.
/// </summary>
public static class IngestBatch
{
    /// <summary>
    /// For each envelope, the index of the later heartbeat of its agent that supersedes it, or −1: it is applied. The
    /// superseded one counts as accepted when its superseder is, so a batch nobody may send is refused whole, as before.
    /// </summary>
    public static int[] SupersededBy(IReadOnlyList<AgentEnvelope> envelopes)
    {
        var superseded = new int[envelopes.Count];
        Array.Fill(superseded, -1);
        var latest = new Dictionary<string, (DateTimeOffset SentAt, int Index)>(StringComparer.Ordinal);
        for (int i = envelopes.Count - 1; i >= 0; i--)
        {
            var e = envelopes[i];
            if (e is null || e.Type != AgentEventTypes.Heartbeat || e.AgentId is null || e.WorkspaceId is null) continue;
            string key = e.WorkspaceId + "\n" + e.AgentId;
            if (latest.TryGetValue(key, out var later) && later.SentAt >= e.SentAt) superseded[i] = later.Index;
            else latest[key] = (e.SentAt, i);
        }

        return superseded;
    }
}
