using Azure;
using Coder.Contracts.Operations;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Operations;

/// <summary>Operations (PK = operation id = orchestration instance id). Writes are idempotent and ETag-guarded.</summary>
public sealed class OperationStore(CoderTables tables)
{
    /// <summary>Inserts the operation; an existing row (a retried request) is left as it is.</summary>
    public async Task CreateAsync(OperationEntity operation, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Operations.AddEntityAsync(operation, cancellationToken);
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
    public Task<OperationEntity?> MutateAsync(string operationId, Func<OperationEntity, bool> mutate, CancellationToken cancellationToken) =>
        OptimisticConcurrency.MutateAsync(
            null,
            ct => GetAsync(operationId, ct),
            mutate,
            (op, ct) => OptimisticConcurrency.ReplaceAsync(tables.Operations, op, ct),
            cancellationToken);

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
