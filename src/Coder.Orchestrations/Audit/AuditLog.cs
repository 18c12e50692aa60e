using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
    public const string FailedAuthenticationAction = "auth.failed";
    public const int MaxActorLength = 256;

    const int MaxFieldChars = 1024;

    TableClient Table => tables.Get(TableName);

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, FailedAuthenticationTally> _tallies = new(StringComparer.Ordinal);

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
            await AddAsync(entity, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecordFailed(logger, entity.Action, entity.Target, e);
        }
    }

    /// <summary>
    /// Counts a failed authentication from <paramref name="address"/>: one row per address and UTC minute whose
    /// <see cref="AuditEntity.Count"/> goes up (ETag-guarded), so a flood of bad tokens cannot bury the other rows. The
    /// failures of one address and minute on this instance are counted together (<see cref="FailedAuthenticationTally"/>):
    /// each call returns once a write that includes it is stored, and a burst of them costs a write or two, not one each
    /// in a queue on the same row.
    /// </summary>
    public async Task RecordFailedAuthenticationAsync(string address, string requestId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        string addressHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)))[..16];
        string rowKey = InvertedTicks(minute) + "-auth-" + addressHash;
        var tally = _tallies.GetOrAdd(rowKey, _ => new FailedAuthenticationTally());
        tally.LastRequestId = Clip(requestId);
        tally.Add();
        await tally.Turn.WaitAsync(cancellationToken);
        int count = 0;
        try
        {
            // Zero: an earlier turn's write carried this failure already.
            count = tally.Take();
            if (count > 0) await AddFailedAuthenticationsAsync(address, minute, rowKey, count, tally.LastRequestId ?? "", cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecordFailed(logger, FailedAuthenticationAction, "address:" + address, e);
        }
        catch (OperationCanceledException)
        {
            tally.GiveBack(count);
            throw;
        }
        finally
        {
            tally.Turn.Release();
            if (tally.Empty) _tallies.TryRemove(KeyValuePair.Create(rowKey, tally));
        }
    }

    async Task AddFailedAuthenticationsAsync(string address, DateTimeOffset minute, string rowKey, int count, string requestId, CancellationToken cancellationToken)
    {
        var entity = new AuditEntity
        {
            PartitionKey = DayKey(minute),
            RowKey = rowKey,
            At = minute,
            Actor = Clip("address:" + address),
            Action = FailedAuthenticationAction,
            Target = "",
            Result = AuditResults.Rejected,
            Status = 401,
            RequestId = requestId,
            Count = count,
        };

        // The first failures of the minute insert the row without a read; a 409 means it is there, so it is read and
        // counted under its ETag, and another instance counting first means counting again on the new row.
        await OptimisticConcurrency.MutateAsync(entity, async ct =>
        {
            var row = await Table.GetEntityIfExistsAsync<AuditEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: ct);
            return row.HasValue ? row.Value! : entity;
        }, row =>
        {
            if (row.ETag == default) return true;
            row.Count = (row.Count ?? 1) + count;
            row.RequestId = entity.RequestId;
            return true;
        }, async (row, ct) =>
        {
            if (row.ETag == default) await AddAsync(row, ct);
            else await OptimisticConcurrency.ReplaceAsync(Table, row, ct);
            return row;
        }, cancellationToken);
    }

    async Task AddAsync(AuditEntity entity, CancellationToken cancellationToken)
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

    /// <summary>Rows between <paramref name="from"/> and <paramref name="to"/> (inclusive), newest first, at most <paramref name="max"/>.</summary>
    public Task<ItemsPage<AuditEntryView>> QueryAsync(DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken) =>
        QueryAsync(from, to, max, null, null, cancellationToken);

    /// <summary>
    /// Rows between <paramref name="from"/> and <paramref name="to"/> (inclusive), newest first, at most
    /// <paramref name="max"/> a page, only <paramref name="actor"/>'s when given. A full page carries a continuation token
    /// (the last row's key) that the next call passes back with the same range and actor.
    /// </summary>
    public async Task<ItemsPage<AuditEntryView>> QueryAsync(DateTimeOffset from, DateTimeOffset to, int max, string? actor, string? continuationToken, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (actor is not null && (actor.Length is 0 or > MaxActorLength || actor.Any(char.IsControl))) errors.Add("actor", $"1 to {MaxActorLength} characters, as audit rows name actors (user:alice, address:203.0.113.9, reconciler).");
        var after = continuationToken is null ? default : Continuation.Parse(continuationToken);
        if (continuationToken is not null && after.Day is null) errors.Add("continuationToken", "Not a continuation token this API gave out.");
        errors.ThrowIfAny();

        var items = new List<AuditEntryView>();
        string upper = InvertedTicks(from) + "~";
        string lower = InvertedTicks(to);
        (string Day, string Row)? last = null;
        try
        {
            var day = after.Day is { } resumeDay && resumeDay < to.UtcDateTime.Date ? resumeDay : to.UtcDateTime.Date;
            for (; day >= from.UtcDateTime.Date && items.Count < max; day = day.AddDays(-1))
            {
                string pk = DayKey(new DateTimeOffset(day, TimeSpan.Zero));
                string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {lower} and RowKey le {upper}");
                if (after.Day == day) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after.Row}");
                if (actor is not null) filter += " and " + TableClient.CreateQueryFilter($"Actor eq {actor}");
                await foreach (var row in Table.QueryAsync<AuditEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
                {
                    items.Add(new AuditEntryView(row.At, row.Actor, row.Action, row.Target, row.Result, row.Status, row.RequestId, row.Detail, row.Count));
                    last = (pk, row.RowKey);
                    if (items.Count >= max) break;
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing was ever audited here.
        }

        return new ItemsPage<AuditEntryView>(items, items.Count >= max && last is { } l ? Continuation.Format(l.Day, l.Row) : null);
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
