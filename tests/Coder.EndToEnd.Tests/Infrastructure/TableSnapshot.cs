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
            sb.Append("## ").AppendLine(table.Name);
            await foreach (var entity in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                sb.Append(entity.PartitionKey).Append('|').Append(entity.RowKey).Append('|').Append(entity.ETag).Append('|');
                foreach (var (k, v) in entity.OrderBy(p => p.Key, StringComparer.Ordinal)) sb.Append(k).Append('=').Append(v).Append(';');
                sb.AppendLine();
            }
        }

        return sb.ToString();
    }
}
