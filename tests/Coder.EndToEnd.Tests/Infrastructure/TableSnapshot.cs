using System.Text;
using Azure.Data.Tables;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>Every row of every table of one deployment prefix, with its ETag, as text: equal snapshots mean nothing was written.</summary>
public static class TableSnapshot
{
    public static async Task<string> CaptureAsync(string connectionString, string prefix)
    {
        var service = new TableServiceClient(connectionString);
        var sb = new StringBuilder();
        await foreach (var table in service.QueryAsync(t => t.Name.CompareTo(prefix) >= 0 && t.Name.CompareTo(prefix + "~") < 0))
        {
            // The durable engine's own tables change on their own schedule; the control plane's state is what must not.
            if (table.Name.Contains("History", StringComparison.Ordinal) || table.Name.Contains("Instances", StringComparison.Ordinal) || table.Name.Contains("Partitions", StringComparison.Ordinal)) continue;

            // So does the reconciler's bookkeeping (a record per timer pass).
            if (table.Name.EndsWith(Coder.Orchestrations.Reconciliation.ReconcileStateStore.TableName, StringComparison.Ordinal)) continue;
            // A table that exists but holds nothing (created on first use) is no state; only its rows are.
            bool header = false;
            await foreach (var entity in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                if (!header) sb.Append("## ").AppendLine(table.Name);
                header = true;
                sb.Append(entity.PartitionKey).Append('|').Append(entity.RowKey).Append('|').Append(entity.ETag).Append('|');
                foreach (var (k, v) in entity.OrderBy(p => p.Key, StringComparer.Ordinal)) sb.Append(k).Append('=').Append(v).Append(';');
                sb.AppendLine();
            }
        }

        return sb.ToString();
    }

    /// <summary>The snapshot without one table's rows (the audit log, whose rows for refused calls are expected).</summary>
    public static string WithoutTable(string snapshot, string table)
    {
        var kept = new List<string>();
        bool inside = false;
        foreach (string line in snapshot.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) inside = line.TrimEnd('\r') == "## " + table;
            if (!inside) kept.Add(line);
        }

        return string.Join('\n', kept);
    }
}
