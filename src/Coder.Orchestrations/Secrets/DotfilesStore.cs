using Azure;
using Azure.Data.Tables;
using Coder.Contracts.Secrets;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Secrets;

/// <summary>One dotfiles repository per user (the Dotfiles table); every write is conditional on what was read.</summary>
public sealed class DotfilesStore(CoderTables tables, TimeProvider time, OwnerConfigStamps stamps)
{
    TableClient Table => tables.Get(TableNames.Dotfiles);

    // Owners' dotfiles as last read here (GetAsync with a maxAge).
    readonly OwnerStampedCache<DotfilesView?> _read = new(stamps, time);

    /// <summary>Registers the user's dotfiles, replacing any earlier ones; bad input is a 400 naming the field and stores nothing.</summary>
    public async Task<DotfilesView> PutAsync(string owner, DotfilesRequest? request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request is null) errors.Add("body", "Required: {url, installScript?, credentialSecret?}.");
        else
        {
            if (!RepositoryUrls.IsValid(request.Url)) errors.Add("url", RepositoryUrls.Rule);
            if (request.InstallScript is { } script && !Names.IsSafeRelativePath(script))
                errors.Add("installScript", "A relative path inside the dotfiles repository (no '..', not absolute).");
            if (request.CredentialSecret is { } secret && !SecretNames.IsValid(secret)) errors.Add("credentialSecret", SecretNames.Rule);
        }
        errors.ThrowIfAny();

        var now = time.GetUtcNow();
        await OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            var row = await FindAsync(owner, ct) ?? new DotfilesEntity { PartitionKey = owner };
            row.Url = request!.Url!;
            row.InstallScript = request.InstallScript;
            row.CredentialSecret = request.CredentialSecret;
            row.UpdatedAt = now;
            return await OptimisticConcurrency.SaveAsync(Table, row, ct);
        }, cancellationToken);
        stamps.Changed(owner);
        return new DotfilesView(request!.Url!, request.InstallScript, request.CredentialSecret, now);
    }

    public async Task<DotfilesView?> GetAsync(string owner, CancellationToken cancellationToken) =>
        await FindAsync(owner, cancellationToken) is { } row ? new DotfilesView(row.Url, row.InstallScript, row.CredentialSecret, row.UpdatedAt) : null;

    /// <summary>
    /// <see cref="GetAsync(string, CancellationToken)"/> as read here at most <paramref name="maxAge"/> ago while no change of
    /// the owner's was made here since (<see cref="OwnerConfigStamps"/>): agents' manifests, which already see another
    /// instance's change within that time.
    /// </summary>
    public Task<DotfilesView?> GetAsync(string owner, TimeSpan maxAge, CancellationToken cancellationToken) =>
        _read.GetAsync(owner, maxAge, ct => GetAsync(owner, ct), cancellationToken);

    /// <summary>Removes the user's dotfiles; false when there were none. Workspaces that cloned them keep their copy.</summary>
    public async Task<bool> DeleteAsync(string owner, CancellationToken cancellationToken)
    {
        bool deleted = await OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            if (await FindAsync(owner, ct) is not { } row) return false;
            try
            {
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return false;
            }
        }, cancellationToken);
        if (deleted) stamps.Changed(owner);
        return deleted;
    }

    async Task<DotfilesEntity?> FindAsync(string owner, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<DotfilesEntity>(owner, DotfilesEntity.Row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
