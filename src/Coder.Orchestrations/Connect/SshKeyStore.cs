using Azure;
using Coder.Contracts.Connect;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Connect;

/// <summary>One SSH public key per user (the SshKeys table); every write is conditional on what was read.</summary>
public sealed class SshKeyStore(CoderTables tables, TimeProvider time)
{
    /// <summary>Registers <paramref name="publicKey"/> for <paramref name="user"/>, replacing any earlier key. Bad input is a 400 naming publicKey.</summary>
    public async Task<SshKeyView> PutAsync(string user, string? publicKey, CancellationToken cancellationToken)
    {
        var key = SshPublicKey.TryParse(publicKey, out string? error) ?? throw CoderProblemException.Validation("publicKey", error!);
        await OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            var row = await FindAsync(user, ct) ?? new SshKeyEntity { PartitionKey = user };
            row.PublicKey = key.Line;
            row.Fingerprint = key.Fingerprint;
            row.UpdatedAt = time.GetUtcNow();
            return await OptimisticConcurrency.SaveAsync(tables.SshKeys, row, ct);
        }, cancellationToken);
        return new SshKeyView(key.Line, key.Fingerprint);
    }

    public async Task<SshKeyView?> GetAsync(string user, CancellationToken cancellationToken) =>
        await FindAsync(user, cancellationToken) is { } row ? new SshKeyView(row.PublicKey, row.Fingerprint) : null;

    /// <summary>Removes the user's key; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string user, CancellationToken cancellationToken) =>
        await OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            if (await FindAsync(user, ct) is not { } row) return false;
            try
            {
                await tables.SshKeys.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return false;
            }
        }, cancellationToken);

    async Task<SshKeyEntity?> FindAsync(string user, CancellationToken cancellationToken)
    {
        var response = await tables.SshKeys.GetEntityIfExistsAsync<SshKeyEntity>(user, SshKeyEntity.Row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
