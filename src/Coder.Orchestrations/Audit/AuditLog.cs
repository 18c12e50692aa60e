using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Coder.Contracts;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Audit;

/// <summary>
/// The Audit table: who did what to which target, with what result, when, under which request id. The HTTP pipeline
/// records every mutating call; the reconciler, autoscaler and other automation call <see cref="RecordAsync"/> for each
/// action they take. Recording never fails the audited action: a storage error is logged and the action goes on.
/// </summary>
public sealed partial class AuditLog(CoderTables tables, TimeProvider time, ILogger<AuditLog> logger)
{
    public const string TableName = "Audit";
    public const int MaxRange = 31;
    public const int MaxItems = 1000;

    const int MaxFieldChars = 1024;

    TableClient Table => tables.Get(TableName);

    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var entity = new AuditEntity
        {
            PartitionKey = DayKey(at),
            RowKey = InvertedTicks(at) + "-" + Ids.Random(8),
            At = at,
            Actor = Clip(entry.Actor),
            Action = Clip(entry.Action),
            Target = Clip(entry.Target),
            Result = Clip(entry.Result),
            Status = entry.Status,
            RequestId = entry.RequestId is null ? null : Clip(entry.RequestId),
            Detail = entry.Detail is null ? null : Clip(entry.Detail),
        };
        try
        {
            try
            {
                await Table.AddEntityAsync(entity, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // The table is created on first use, so hosts and tools that never audit never create it.
                await EnsureTableAsync(cancellationToken);
                await Table.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecordFailed(logger, entity.Action, entity.Target, e);
        }
    }

    /// <summary>Rows between <paramref name="from"/> and <paramref name="to"/> (inclusive), newest first, at most <paramref name="max"/>.</summary>
    public async Task<ItemsPage<AuditEntryView>> QueryAsync(DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        var items = new List<AuditEntryView>();
        string upper = InvertedTicks(from) + "~";
        string lower = InvertedTicks(to);
        try
        {
            for (var day = to.UtcDateTime.Date; day >= from.UtcDateTime.Date && items.Count < max; day = day.AddDays(-1))
            {
                string pk = DayKey(new DateTimeOffset(day, TimeSpan.Zero));
                string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {lower} and RowKey le {upper}");
                await foreach (var row in Table.QueryAsync<AuditEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
                {
                    items.Add(new AuditEntryView(row.At, row.Actor, row.Action, row.Target, row.Result, row.Status, row.RequestId, row.Detail));
                    if (items.Count >= max) break;
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing was ever audited here.
        }

        return new ItemsPage<AuditEntryView>(items);
    }

    async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await tables.Service.CreateTableIfNotExistsAsync(Table.Name, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Created by another request at the same moment.
        }
    }

    static string DayKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    static string InvertedTicks(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Bounded, and without control characters, whatever a hostile path or name held.</summary>
    static string Clip(string value)
    {
        string clipped = value.Length <= MaxFieldChars ? value : value[..MaxFieldChars];
        return clipped.Any(c => char.IsControl(c) || char.IsSurrogate(c))
            ? string.Create(clipped.Length, clipped, static (span, s) => { for (int i = 0; i < span.Length; i++) span[i] = char.IsControl(s[i]) || char.IsSurrogate(s[i]) ? '?' : s[i]; })
            : clipped;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the audit row for {Action} on {Target}")]
    static partial void LogRecordFailed(ILogger logger, string action, string target, Exception exception);
}
