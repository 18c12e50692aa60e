using Azure.Data.Tables;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Templates;

/// <summary>
/// Templates in Table Storage: one partition per template, immutable <c>v000001</c> rows and one <c>active</c> pointer row.
/// Creating a template writes version 1 and the pointer in one transaction; new versions claim the next number with ETags.
/// </summary>
public sealed class TemplateStore(CoderTables tables, TimeProvider time)
{
    /// <summary>How long a read of the active version is reused; a promotion on this instance clears it at once.</summary>
    public static readonly TimeSpan ActiveVersionCacheTime = TimeSpan.FromSeconds(2);

    // Versions never change once written, so the cache only bounds memory; activities, the manifest and every create read them.
    readonly ExpiringCache<TemplateVersion> _versions = new(time, TimeSpan.FromHours(1));
    readonly ExpiringCache<int> _activeVersions = new(time, ActiveVersionCacheTime);

    TableClient Table => tables.Templates;

    public async Task<TemplateCreated> CreateAsync(TemplateSpec spec, string createdBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string name = spec.Name!;
        var version = new TemplateVersionEntity
        {
            PartitionKey = name,
            RowKey = TemplateVersionEntity.RowKeyFor(1),
            Version = 1,
            Spec = Json.Serialize(spec),
            CreatedAt = now,
            CreatedBy = createdBy,
        };
        var pointer = new TemplatePointerEntity
        {
            PartitionKey = name,
            ActiveVersion = 1,
            LatestVersion = 1,
            Description = spec.Description,
            Provisioner = spec.Provisioner!,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await Table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, version), new TableTransactionAction(TableTransactionActionType.Add, pointer)], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw CoderProblemException.Conflict($"A template named '{name}' already exists.");
        }

        return new TemplateCreated(name, 1);
    }

    public Task<TemplateVersionCreated> AddVersionAsync(string name, TemplateSpec spec, string createdBy, CancellationToken cancellationToken) =>
        // A conflict means someone else added a version at the same time: the retry takes the next number.
        OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            var pointer = await GetPointerAsync(name, ct) ?? throw CoderProblemException.NotFound($"Template '{name}'");
            int next = pointer.LatestVersion + 1;
            var version = new TemplateVersionEntity
            {
                PartitionKey = name,
                RowKey = TemplateVersionEntity.RowKeyFor(next),
                Version = next,
                Spec = Json.Serialize(spec with { Name = name }),
                CreatedAt = time.GetUtcNow(),
                CreatedBy = createdBy,
            };
            pointer.LatestVersion = next;
            pointer.UpdatedAt = version.CreatedAt;

            // Both rows share the partition: the pointer's ETag makes the claim of "next" atomic with the insert.
            await Table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, version), new TableTransactionAction(TableTransactionActionType.UpdateMerge, pointer, pointer.ETag)], ct);
            return new TemplateVersionCreated(name, next);
        }, cancellationToken);

    public Task<TemplateCreated> PromoteAsync(string name, int version, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            var pointer = await GetPointerAsync(name, ct) ?? throw CoderProblemException.NotFound($"Template '{name}'");
            if (version < 1 || version > pointer.LatestVersion) throw CoderProblemException.NotFound($"Version {version} of template '{name}'");
            if (pointer.ActiveVersion == version) return new TemplateCreated(name, version);
            var spec = await GetVersionAsync(name, version, ct) ?? throw CoderProblemException.NotFound($"Version {version} of template '{name}'");
            pointer.ActiveVersion = version;
            pointer.Description = spec.Spec.Description;
            pointer.Provisioner = spec.Spec.Provisioner ?? pointer.Provisioner;
            pointer.UpdatedAt = time.GetUtcNow();
            await OptimisticConcurrency.ReplaceAsync(Table, pointer, ct);
            _activeVersions.Remove(name);
            return new TemplateCreated(name, version);
        }, cancellationToken);

    public async Task<TemplatePointerEntity?> GetPointerAsync(string name, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TemplatePointerEntity>(name, TemplatePointerEntity.ActiveRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// The active version number, for display and as the default of a create: it may trail a promotion made on another
    /// instance by up to <see cref="ActiveVersionCacheTime"/>. Writers read the pointer itself, with its ETag.
    /// </summary>
    public async Task<int?> GetActiveVersionAsync(string name, CancellationToken cancellationToken)
    {
        if (_activeVersions.TryGet(name, out int active)) return active;
        if (await GetPointerAsync(name, cancellationToken) is not { } pointer) return null;
        _activeVersions.Set(name, pointer.ActiveVersion);
        return pointer.ActiveVersion;
    }

    public async Task<TemplateVersion?> GetVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        string key = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}/{version}");
        if (_versions.TryGet(key, out var cached)) return cached;
        var response = await Table.GetEntityIfExistsAsync<TemplateVersionEntity>(name, TemplateVersionEntity.RowKeyFor(version), cancellationToken: cancellationToken);
        if (!response.HasValue) return null;
        var stored = ToVersion(response.Value!);
        _versions.Set(key, stored);
        return stored;
    }

    public async Task<TemplateVersion?> GetActiveAsync(string name, CancellationToken cancellationToken)
    {
        var pointer = await GetPointerAsync(name, cancellationToken);
        return pointer is null ? null : await GetVersionAsync(name, pointer.ActiveVersion, cancellationToken);
    }

    public async Task<IReadOnlyList<TemplateVersionEntity>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var list = new List<TemplateVersionEntity>();
        await foreach (var v in Table.QueryAsync<TemplateVersionEntity>(
            e => e.PartitionKey == name && e.RowKey.CompareTo("v") >= 0 && e.RowKey.CompareTo("w") < 0, cancellationToken: cancellationToken))
        {
            list.Add(v);
        }

        return list;
    }

    public async Task<IReadOnlyList<TemplatePointerEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<TemplatePointerEntity>();
        await foreach (var p in Table.QueryAsync<TemplatePointerEntity>(e => e.RowKey == TemplatePointerEntity.ActiveRowKey, cancellationToken: cancellationToken))
        {
            list.Add(p);
        }

        return list;
    }

    /// <summary>
    /// Deletes the template's rows (pointer and versions) in one transaction, each under the ETag it was read with, so a
    /// version added meanwhile fails it (409) instead of surviving. False when there is no such template.
    /// </summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == name, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        if (!rows.Any(r => r.RowKey == TemplatePointerEntity.ActiveRowKey)) return false;
        try
        {
            foreach (var batch in rows.Chunk(100))
            {
                await Table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), cancellationToken);
            }
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            throw CoderProblemException.Conflict($"Template '{name}' changed while it was being deleted; try again.");
        }
        finally
        {
            _activeVersions.Remove(name);
            foreach (var row in rows) _versions.Remove($"{name}/{row.RowKey.TrimStart('v', '0')}");
        }

        return true;
    }

    static TemplateVersion ToVersion(TemplateVersionEntity e) =>
        new(e.PartitionKey, e.Version, Json.Deserialize<TemplateSpec>(e.Spec)!, e.CreatedAt);
}
