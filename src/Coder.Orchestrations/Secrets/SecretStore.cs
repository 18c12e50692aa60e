using Azure;
using Azure.Data.Tables;
using Coder.Contracts.Secrets;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Secrets;

/// <summary>
/// A user's secrets (the Secrets table, values sealed by the <see cref="ISecretVault"/>). Callers name only their own
/// partition (the caller's user), so one user's secrets cannot be read, listed or changed through another's request.
/// </summary>
public sealed class SecretStore(CoderTables tables, ISecretVault vault, TimeProvider time, IOptions<SecretsOptions> options, OwnerConfigStamps stamps)
{
    public const int MaxValueChars = 32_768;

    TableClient Table => tables.Get(TableNames.Secrets);

    // Owners' sealed rows as last queried here (OpenAllAsync with a maxAge).
    readonly OwnerStampedCache<IReadOnlyList<SecretEntity>> _sealedRows = new(stamps, time);

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>; bad input is a 400 naming the field and stores nothing.</summary>
    public async Task<SecretView> SetAsync(string owner, string name, string? value, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!SecretNames.IsValid(name)) errors.Add("name", SecretNames.Rule);
        if (value is null) errors.Add("value", "Required.");
        else if (value.Length > MaxValueChars) errors.Add("value", $"At most {MaxValueChars} characters.");
        else if (value.Contains('\0')) errors.Add("value", "No NUL characters: it becomes an environment variable.");
        errors.ThrowIfAny();

        string sealedValue = await vault.SealAsync(owner, name, value!, cancellationToken);
        string? replaced = null;
        var now = time.GetUtcNow();
        try
        {
            await OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
            {
                var row = await FindAsync(owner, name, ct);
                if (row is null && await CountAsync(owner, ct) >= options.Value.MaxPerUser)
                    throw CoderProblemException.Validation("name", $"At most {options.Value.MaxPerUser} secrets per user; delete one first.");
                row ??= new SecretEntity { PartitionKey = owner, RowKey = name };
                replaced = row.ETag == default ? null : row.Sealed;
                row.Sealed = sealedValue;
                row.Version = Guid.NewGuid().ToString("N");
                row.UpdatedAt = now;
                return await OptimisticConcurrency.SaveAsync(Table, row, ct);
            }, cancellationToken);
        }
        catch
        {
            await vault.ForgetAsync(sealedValue, CancellationToken.None);
            throw;
        }

        stamps.Changed(owner);
        if (replaced is not null && replaced != sealedValue) await vault.ForgetAsync(replaced, cancellationToken);
        return new SecretView(name, now);
    }

    /// <summary>Names and times only, sorted by name.</summary>
    public async Task<IReadOnlyList<SecretView>> ListAsync(string owner, CancellationToken cancellationToken)
    {
        var items = new List<SecretView>();
        await foreach (var row in Table.QueryAsync<SecretEntity>(e => e.PartitionKey == owner, select: ["RowKey", "UpdatedAt"], cancellationToken: cancellationToken))
            items.Add(new SecretView(row.RowKey, row.UpdatedAt));
        return items.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Removes the secret; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string owner, string name, CancellationToken cancellationToken)
    {
        if (!SecretNames.IsValid(name)) return false;
        string? removed = await OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            if (await FindAsync(owner, name, ct) is not { } row) return null;
            try
            {
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
                return row.Sealed;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);
        if (removed is null) return false;
        stamps.Changed(owner);
        await vault.ForgetAsync(removed, cancellationToken);
        return true;
    }

    /// <summary>The owner's secrets with their values and versions: only for the manifest of the owner's own workspace.</summary>
    public Task<IReadOnlyList<(string Name, string Value, string Version)>> OpenAllAsync(string owner, CancellationToken cancellationToken) =>
        OpenAllAsync(owner, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// <see cref="OpenAllAsync(string, CancellationToken)"/> from the owner's sealed rows as queried here at most
    /// <paramref name="maxAge"/> ago while no change of the owner's was made here since (<see cref="OwnerConfigStamps"/>):
    /// agents' manifests, which already see another instance's change within that time. Sealed rows only are kept; values
    /// are opened for each manifest.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, string Value, string Version)>> OpenAllAsync(string owner, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var rows = await _sealedRows.GetAsync(owner, maxAge, async ct =>
        {
            var read = new List<SecretEntity>();
            await foreach (var row in Table.QueryAsync<SecretEntity>(e => e.PartitionKey == owner, cancellationToken: ct)) read.Add(row);
            return (IReadOnlyList<SecretEntity>)read;
        }, cancellationToken);

        var opened = await Task.WhenAll(rows.Select(async r => (r.RowKey, await vault.OpenAsync(owner, r.RowKey, r.Sealed, cancellationToken), r.Version)));
        return opened.OrderBy(s => s.RowKey, StringComparer.Ordinal).ToList();
    }

    async Task<int> CountAsync(string owner, CancellationToken cancellationToken)
    {
        int count = 0;
        await foreach (var _ in Table.QueryAsync<SecretEntity>(e => e.PartitionKey == owner, select: ["RowKey"], cancellationToken: cancellationToken)) count++;
        return count;
    }

    async Task<SecretEntity?> FindAsync(string owner, string name, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<SecretEntity>(owner, name, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
