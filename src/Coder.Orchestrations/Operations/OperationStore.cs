using Azure;
using Coder.Contracts.Operations;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Operations;

/// <summary>Operations (PK = operation id = orchestration instance id). Writes are idempotent and ETag-guarded.</summary>
public sealed class OperationStore(CoderTables tables, TimeProvider time)
{
    // Each operation's row as this instance last wrote it: its steps and its completion write it under that ETag without
    // reading it first (OptimisticConcurrency.MutateRememberedAsync; a 412 reads again). An operation lives minutes.
    readonly ExpiringCache<OperationEntity> _written = new(time, TimeSpan.FromMinutes(10));

    /// <summary>Inserts the operation; an existing row (a retried request) is left as it is.</summary>
    public async Task CreateAsync(OperationEntity operation, CancellationToken cancellationToken)
    {
        try
        {
            var response = await tables.Operations.AddEntityAsync(operation, cancellationToken);
            if (response.Headers.ETag is { } etag)
            {
                var written = RowCopy.Of(operation);
                written.ETag = etag;
                _written.Set(operation.PartitionKey, written);
            }
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }

    public async Task<OperationEntity?> GetAsync(string operationId, CancellationToken cancellationToken)
    {
        if (operationId.Length is 0 or > 128 || operationId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c))) return null;
        var response = await tables.Operations.GetEntityIfExistsAsync<OperationEntity>(operationId, "", cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Read-modify-write under the row's ETag (<see cref="OptimisticConcurrency"/>). A finished operation is never reopened.</summary>
    public async Task<OperationEntity?> MutateAsync(string operationId, Func<OperationEntity, bool> mutate, CancellationToken cancellationToken)
    {
        var stored = await OptimisticConcurrency.MutateRememberedAsync(
            _written.TryGet(operationId, out var known) ? RowCopy.Of(known) : null,
            ct => GetAsync(operationId, ct),
            mutate,
            (op, ct) => OptimisticConcurrency.ReplaceAsync(tables.Operations, op, ct),
            cancellationToken);
        if (stored is null) _written.Remove(operationId);
        else _written.Set(operationId, RowCopy.Of(stored));
        return stored;
    }

    public static bool IsFinished(string status) =>
        status is "succeeded" or "failed" or "canceled";

    public static string StatusName(OperationStatus status) => status switch
    {
        OperationStatus.Pending => "pending",
        OperationStatus.Running => "running",
        OperationStatus.Succeeded => "succeeded",
        OperationStatus.Failed => "failed",
        OperationStatus.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
