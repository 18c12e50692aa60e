using System.Collections.Concurrent;
using Azure;
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
    /// <summary>Enough versions for a busy control plane; past it the cache starts over (a miss costs one read).</summary>
    const int MaxCachedVersions = 10_000;

    // A version row is written once and never changed or deleted, so what was read once is what any later read returns:
    // every provision and start reads its version, and the cache saves that read. Misses are not cached.
    readonly ConcurrentDictionary<(string Name, int Version), TemplateVersion> _versions = new();

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

    public async Task<TemplateVersionCreated> AddVersionAsync(string name, TemplateSpec spec, string createdBy, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var pointer = await GetPointerAsync(name, cancellationToken) ?? throw CoderProblemException.NotFound($"Template '{name}'");
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
            try
            {
                // Both rows share the partition: the pointer's ETag makes the claim of "next" atomic with the insert.
                await Table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, version), new TableTransactionAction(TableTransactionActionType.UpdateMerge, pointer, pointer.ETag)], cancellationToken);
                return new TemplateVersionCreated(name, next);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
                // Someone else added a version at the same time; take the next number.
            }
        }
    }

    public async Task<TemplateCreated> PromoteAsync(string name, int version, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var pointer = await GetPointerAsync(name, cancellationToken) ?? throw CoderProblemException.NotFound($"Template '{name}'");
            if (version < 1 || version > pointer.LatestVersion) throw CoderProblemException.NotFound($"Version {version} of template '{name}'");
            if (pointer.ActiveVersion == version) return new TemplateCreated(name, version);
            var spec = await GetVersionAsync(name, version, cancellationToken) ?? throw CoderProblemException.NotFound($"Version {version} of template '{name}'");
            pointer.ActiveVersion = version;
            pointer.Description = spec.Spec.Description;
            pointer.Provisioner = spec.Spec.Provisioner ?? pointer.Provisioner;
            pointer.UpdatedAt = time.GetUtcNow();
            try
            {
                await Table.UpdateEntityAsync(pointer, pointer.ETag, TableUpdateMode.Replace, cancellationToken);
                return new TemplateCreated(name, version);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 10)
            {
            }
        }
    }

    public async Task<TemplatePointerEntity?> GetPointerAsync(string name, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TemplatePointerEntity>(name, TemplatePointerEntity.ActiveRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<TemplateVersion?> GetVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue((name, version), out var cached)) return cached;
        var response = await Table.GetEntityIfExistsAsync<TemplateVersionEntity>(name, TemplateVersionEntity.RowKeyFor(version), cancellationToken: cancellationToken);
        if (!response.HasValue) return null;
        var read = ToVersion(response.Value!);
        if (_versions.Count >= MaxCachedVersions) _versions.Clear();
        _versions[(name, version)] = read;
        return read;
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

    static TemplateVersion ToVersion(TemplateVersionEntity e) =>
        new(e.PartitionKey, e.Version, Json.Deserialize<TemplateSpec>(e.Spec)!, e.CreatedAt);
}
