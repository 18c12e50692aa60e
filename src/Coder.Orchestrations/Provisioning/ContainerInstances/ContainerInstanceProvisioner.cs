using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Models;
using Azure.ResourceManager.Resources;
using Azure.Storage.Files.Shares;
using Azure.Storage.Files.Shares.Models;
using Coder.Orchestrations.Provisioning.Azure;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Provisioning.ContainerInstances;

/// <summary>
/// Workspaces as Azure Container Instances: one container group per workspace (replicas are its containers), created
/// through ARM generic resources with api-version 2026-05-01, the home folder on an Azure Files share that outlives the
/// group. ACI cannot change CPU or memory in place, so a resize recreates the group on the same share.
/// </summary>
public sealed partial class ContainerInstanceProvisioner(AzureClients azure, AgentDownloads agents, ILogger<ContainerInstanceProvisioner> logger) : IWorkspaceProvisioner
{
    const string SnapshotIdMetadata = "coder_snapshot_id";

    readonly WorkspaceIdentityGrants _identities = new(azure, logger);

    public string Name => "aci";

    /// <summary>
    /// A resize recreates the group; one group per workspace (no second instance); home is a share that outlives the group
    /// (no lost content); the platform runs no snapshot hooks; share snapshots can be deleted. Replicas are the group's
    /// containers, at most <see cref="MaxContainers"/>.
    /// </summary>
    public static ProvisionerCapabilities Declared { get; } = new(LiveResize: false, Snapshots: true, SnapshotDelete: true, MaxReplicas: MaxContainers);

    /// <summary>What this provisioner puts in one container group (ACI allows more; the template limit caps replicas at 20 anyway).</summary>
    public const int MaxContainers = 20;

    public ProvisionerCapabilities Capabilities => Declared;

    AzureProvisioningOptions Options => azure.Options;

    public ResourceIdentifier GroupId(string workspaceId) =>
        new($"{azure.ResourceGroupId}/providers/Microsoft.ContainerInstance/containerGroups/coder-{workspaceId}");

    public static string ShareName(string workspaceId) => $"home-{workspaceId}";

    ResourceIdentifier ShareId(string workspaceId) =>
        new($"{azure.ResourceGroupId}/providers/Microsoft.Storage/storageAccounts/{Options.FilesAccount}/fileServices/default/shares/{ShareName(workspaceId)}");

    ResourceIdentifier SharesId => new($"{azure.ResourceGroupId}/providers/Microsoft.Storage/storageAccounts/{Options.FilesAccount}/fileServices/default/shares");

    public async Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        var existing = await GetGroupAsync(spec.Workspace.WorkspaceId, cancellationToken);
        if (existing is not null && SameSize(existing, spec))
        {
            if (Tag(existing, ProvisionerTags.BuildId) == spec.BuildId)
            {
                // Same build already deployed: at most start it (a retried activity lands here).
                if (!IsRunning(existing)) await StartGroupAsync(spec.Workspace.WorkspaceId, cancellationToken);
                return State(spec, created: false);
            }
        }
        else if (existing is not null)
        {
            // CPU, memory and the container list cannot change on a live group.
            await DeleteGroupAsync(spec.Workspace.WorkspaceId, cancellationToken);
        }

        await PutGroupAsync(spec, cancellationToken);
        return State(spec, created: existing is null);
    }

    public Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => EnsureAsync(spec, cancellationToken);

    /// <summary>Stopping deallocates the containers (billing stops); the group definition and the share stay.</summary>
    public async Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        await azure.Requests.SendAsync(RequestMethod.Post, GroupId(workspace.WorkspaceId), "stop", AzureClients.ContainerGroupsApiVersion, null, new() { AllowNotFound = true }, cancellationToken);
        LogStopped(logger, workspace.WorkspaceId);
    }

    /// <summary>Restarts every container of the group in place (same build, same token); not part of the provisioner interface.</summary>
    public async Task RestartAsync(WorkspaceRef workspace, CancellationToken cancellationToken) =>
        await azure.Requests.SendAsync(RequestMethod.Post, GroupId(workspace.WorkspaceId), "restart", AzureClients.ContainerGroupsApiVersion, null, cancellationToken);

    public async Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        var existing = await GetGroupAsync(spec.Workspace.WorkspaceId, cancellationToken);
        if (existing is not null && SameSize(existing, spec) && IsRunning(existing)) return new ResizeOutcome(Restarted: false, LimitsEnforced: true);
        if (existing is not null) await DeleteGroupAsync(spec.Workspace.WorkspaceId, cancellationToken);
        await PutGroupAsync(spec, cancellationToken);
        return new ResizeOutcome(Restarted: true, LimitsEnforced: true,
            $"ACI cannot resize a container group in place: recreated container group {GroupId(spec.Workspace.WorkspaceId).Name} with {spec.Cpu} CPU, {spec.MemoryMiB} MiB and {spec.Replicas} container(s) on the same home share {ShareName(spec.Workspace.WorkspaceId)}.");
    }

    /// <summary>A share snapshot of the home share, created through the storage resource provider and marked with the snapshot id, so a retry finds it.</summary>
    public async Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken)
    {
        string share = ShareName(workspace.WorkspaceId);
        string? time = await FindShareSnapshotAsync(share, request.SnapshotId, cancellationToken);
        if (time is null)
        {
            var body = BinaryData.FromObjectAsJson(new { properties = new { metadata = new Dictionary<string, string> { [SnapshotIdMetadata] = request.SnapshotId } } });
            using var created = await azure.Requests.SendAsync(RequestMethod.Put, ShareId(workspace.WorkspaceId), null, AzureClients.FileSharesApiVersion, body, new() { Query = "$expand=snapshots" }, cancellationToken);
            time = created?.RootElement.GetProperty("properties").GetProperty("snapshotTime").GetString()
                ?? throw new InvalidOperationException("The storage resource provider returned no snapshotTime.");
        }

        using var stats = await azure.Requests.SendAsync(RequestMethod.Get, ShareId(workspace.WorkspaceId), null, AzureClients.FileSharesApiVersion, null, new() { Query = "$expand=stats" }, cancellationToken);
        long size = stats is not null && stats.RootElement.GetProperty("properties").TryGetProperty("shareUsageBytes", out var usage) ? usage.GetInt64() : 0;
        string location = $"{azure.Files.GetShareClient(share).Uri}?sharesnapshot={time}";
        // Share snapshots are incremental on the service side and carry no content hash; the platform does not report
        // the bytes written, so UploadedBytes is 0 and Sha256 is empty.
        return new SnapshotCapture(location, size, "", 0);
    }

    /// <summary>
    /// Copies every file of the share snapshot over the base share and removes files the snapshot lacks, with the
    /// group stopped. Re-running after a failure converges to the same result.
    /// </summary>
    public async Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken)
    {
        string share = ShareName(workspace.WorkspaceId);
        string snapshot = SnapshotTime(request.Location) ?? throw new InvalidOperationException($"'{request.Location}' is not a share snapshot of {share}.");
        var baseShare = azure.Files.GetShareClient(share);
        var source = baseShare.WithSnapshot(snapshot);
        await StopAsync(workspace, cancellationToken);

        var wanted = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (path, isDirectory) in WalkAsync(source.GetRootDirectoryClient(), "", cancellationToken))
        {
            wanted.Add(path);
            if (isDirectory)
            {
                await baseShare.GetDirectoryClient(path).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                continue;
            }

            var target = baseShare.GetRootDirectoryClient().GetFileClient(path);
            var copy = await target.StartCopyAsync(source.GetRootDirectoryClient().GetFileClient(path).Uri, cancellationToken: cancellationToken);
            if (copy.Value.CopyStatus is not CopyStatus.Success and not CopyStatus.Pending)
                throw new InvalidOperationException($"Copying {path} out of snapshot {snapshot} ended {copy.Value.CopyStatus}.");
        }

        var extra = new List<(string Path, bool IsDirectory)>();
        await foreach (var item in WalkAsync(baseShare.GetRootDirectoryClient(), "", cancellationToken))
        {
            if (!wanted.Contains(item.Path)) extra.Add(item);
        }

        // Deepest first, so directories are empty when their turn comes.
        foreach (var (path, isDirectory) in extra.OrderByDescending(e => e.Path.Length))
        {
            if (isDirectory) await baseShare.GetDirectoryClient(path).DeleteIfExistsAsync(cancellationToken);
            else await baseShare.GetRootDirectoryClient().GetFileClient(path).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        LogRestored(logger, workspace.WorkspaceId, snapshot, wanted.Count, extra.Count);
    }

    /// <summary>
    /// Deletes the share snapshot through the storage resource provider: File Shares - Delete on the home share with the
    /// <c>x-ms-snapshot</c> header naming the snapshot's time (absent share or snapshot: nothing to do).
    /// </summary>
    public async Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken)
    {
        string share = ShareName(workspace.WorkspaceId);
        string? time = (location is null ? null : SnapshotTime(location)) ?? await FindShareSnapshotAsync(share, snapshotId, cancellationToken);
        if (time is null) return;
        await azure.Requests.SendAsync(RequestMethod.Delete, ShareId(workspace.WorkspaceId), null, AzureClients.FileSharesApiVersion, null,
            new() { AllowNotFound = true, Headers = new Dictionary<string, string> { ["x-ms-snapshot"] = time } }, cancellationToken);
        LogSnapshotDeleted(logger, workspace.WorkspaceId, time);
    }

    /// <summary>Home is the share, which outlives the container group: content never goes with the compute.</summary>
    public Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>Not offered: ACI runs commands in a container only over an interactive exec session.</summary>
    public Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The aci provisioner runs no workspace scripts (see its capabilities).");

    public async Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        await DeleteGroupAsync(workspace.WorkspaceId, cancellationToken);
        await _identities.DestroyAsync(workspace, Grants(workspace.WorkspaceId, WorkspaceGrant.ForAgentQueue(Options)), cancellationToken);
        // $include=snapshots: a share with snapshots cannot be deleted on its own.
        await azure.Requests.SendAsync(RequestMethod.Delete, ShareId(workspace.WorkspaceId), null, AzureClients.FileSharesApiVersion, null, new() { Query = "$include=snapshots", AllowNotFound = true }, cancellationToken);
    }

    public async Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken)
    {
        var items = new List<InventoryItem>();
        string filter = $"tagName eq '{ProvisionerTags.WorkspaceId}' and resourceType eq '{AzureClients.ContainerGroupType}'";
        await foreach (var listed in azure.ResourceGroup.GetGenericResourcesAsync(filter: filter, cancellationToken: cancellationToken))
        {
            if (listed.Data.ResourceType != AzureClients.ContainerGroupType || !listed.Data.Tags.TryGetValue(ProvisionerTags.WorkspaceId, out string? workspaceId)) continue;
            var group = await GetGroupAsync(workspaceId, cancellationToken);
            if (group is not null) items.Add(Item(workspaceId, group));
        }

        return items;
    }

    /// <summary>One GET of the workspace's container group. ACI runs one compute instance per workspace: the first.</summary>
    public async Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        if (workspace.Instance is not null) return null;
        var group = await GetGroupAsync(workspace.WorkspaceId, cancellationToken);
        return group is null ? null : Item(workspace.WorkspaceId, group);
    }

    /// <summary>The group as it runs, with each running container's size from the same GET (see <see cref="ContainerGroupResources"/>).</summary>
    InventoryItem Item(string workspaceId, GenericResourceData group)
    {
        bool running = IsRunning(group);
        var properties = group.Properties.ToObjectFromJson<JsonObject>();
        int containers = properties?["containers"]?.AsArray().Count ?? 0;
        return new InventoryItem(Name, workspaceId, group.Id!.ToString(), running, running ? containers : 0, Tag(group, ProvisionerTags.BuildId), new Dictionary<string, string>(group.Tags),
            UnitSizes: running ? ContainerGroupResources.Observe(properties) : null);
    }

    async Task PutGroupAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        string workspaceId = spec.Workspace.WorkspaceId;
        var grants = Grants(workspaceId, WorkspaceGrant.ForAgentTransport(spec, Options));
        var agent = await agents.LinuxX64Async(cancellationToken);
        var shareBody = BinaryData.FromObjectAsJson(new { properties = new { shareQuota = spec.DiskGiB ?? 32 } });
        await azure.Requests.SendAsync(RequestMethod.Put, ShareId(workspaceId), null, AzureClients.FileSharesApiVersion, shareBody, cancellationToken);
        var identity = await _identities.EnsureAsync(spec.Workspace, grants, cancellationToken);

        var data = new GenericResourceData(new AzureLocation(Options.Location!))
        {
            Properties = BinaryData.FromString(ContainerGroupSpec.Properties(spec, Options, ShareName(workspaceId), identity, agent).ToJsonString()),
            Identity = new ManagedServiceIdentity(ManagedServiceIdentityType.UserAssigned) { UserAssignedIdentities = { [identity.Id] = new UserAssignedIdentity() } },
        };

        data.Tags[ProvisionerTags.WorkspaceId] = workspaceId;
        data.Tags[ProvisionerTags.TemplateVersion] = $"{spec.Template}@{spec.TemplateVersion}";
        data.Tags[ProvisionerTags.BuildId] = spec.BuildId;
        data.Tags[ProvisionerTags.Owner] = spec.Workspace.Owner;
        // The SDK's long-running-operation support polls Azure-AsyncOperation to a terminal state; a PUT of the same
        // body again is the same group.
        await azure.CompleteAsync(t => azure.Arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Started, GroupId(workspaceId), data, t), cancellationToken);
        LogPut(logger, workspaceId, spec.BuildId);
    }

    /// <summary>Its own home share (SMB share contributor on that share alone), plus what its agent transport needs.</summary>
    IEnumerable<WorkspaceGrant> Grants(string workspaceId, IEnumerable<WorkspaceGrant> transport) =>
        [new WorkspaceGrant(ShareId(workspaceId), WorkspaceGrant.SmbShareContributor), .. transport];

    async Task StartGroupAsync(string workspaceId, CancellationToken cancellationToken) =>
        await azure.Requests.SendAsync(RequestMethod.Post, GroupId(workspaceId), "start", AzureClients.ContainerGroupsApiVersion, null, cancellationToken);

    async Task DeleteGroupAsync(string workspaceId, CancellationToken cancellationToken)
    {
        try
        {
            await azure.CompleteAsync(t => azure.Arm.GetGenericResource(GroupId(workspaceId)).DeleteAsync(WaitUntil.Started, t), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone.
        }
    }

    async Task<GenericResourceData?> GetGroupAsync(string workspaceId, CancellationToken cancellationToken)
    {
        try
        {
            return (await azure.Arm.GetGenericResources().GetAsync(GroupId(workspaceId), cancellationToken)).Value.Data;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    async Task<string?> FindShareSnapshotAsync(string share, string snapshotId, CancellationToken cancellationToken)
    {
        using var list = await azure.Requests.SendAsync(RequestMethod.Get, SharesId, null, AzureClients.FileSharesApiVersion, null, new() { Query = "$expand=snapshots,metadata" }, cancellationToken);
        if (list is null) return null;
        foreach (var item in list.RootElement.GetProperty("value").EnumerateArray())
        {
            if (item.GetProperty("name").GetString() != share || !item.TryGetProperty("properties", out var p)) continue;
            if (p.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty(SnapshotIdMetadata, out var id) && id.GetString() == snapshotId
                && p.TryGetProperty("snapshotTime", out var t))
            {
                return t.GetString();
            }
        }

        return null;
    }

    static async IAsyncEnumerable<(string Path, bool IsDirectory)> WalkAsync(ShareDirectoryClient directory, string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in directory.GetFilesAndDirectoriesAsync(cancellationToken: cancellationToken))
        {
            string path = prefix.Length == 0 ? item.Name : $"{prefix}/{item.Name}";
            yield return (path, item.IsDirectory);
            if (!item.IsDirectory) continue;
            await foreach (var child in WalkAsync(directory.GetSubdirectoryClient(item.Name), path, cancellationToken)) yield return child;
        }
    }

    static string? SnapshotTime(string location)
    {
        int at = location.IndexOf("sharesnapshot=", StringComparison.Ordinal);
        return at < 0 ? null : Uri.UnescapeDataString(location[(at + "sharesnapshot=".Length)..].Split('&')[0]);
    }

    /// <summary>
    /// Every container runs the spec's size by the same rule drift is judged by (<see cref="AciSizeRule"/>), so ACI's own
    /// rounding never recreates a group and a size changed outside always does.
    /// </summary>
    static bool SameSize(GenericResourceData group, WorkspaceResourceSpec spec)
    {
        var properties = group.Properties.ToObjectFromJson<JsonObject>();
        if (properties?["containers"]?.AsArray().Count != spec.Replicas) return false;
        var sizes = ContainerGroupResources.Observe(properties);
        return sizes is not null && sizes.Count == spec.Replicas && sizes.All(u => u.Matches(spec.Cpu, spec.MemoryMiB));
    }

    /// <summary>Runtime state is <c>instanceView.state</c>; provisioningState Succeeded alone does not mean running.</summary>
    static bool IsRunning(GenericResourceData group) =>
        string.Equals((string?)group.Properties.ToObjectFromJson<JsonObject>()?["instanceView"]?["state"], "Running", StringComparison.OrdinalIgnoreCase);

    static string? Tag(GenericResourceData group, string name) => group.Tags.TryGetValue(name, out string? v) ? v : null;

    WorkspaceResourceState State(WorkspaceResourceSpec spec, bool created) =>
        new([GroupId(spec.Workspace.WorkspaceId).ToString(), ShareId(spec.Workspace.WorkspaceId).ToString()], Running: true, created, LimitsEnforced: true);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container group for workspace {WorkspaceId} deployed with build {BuildId}")]
    static partial void LogPut(ILogger logger, string workspaceId, string buildId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container group for workspace {WorkspaceId} stopped")]
    static partial void LogStopped(ILogger logger, string workspaceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Share snapshot {Snapshot} of workspace {WorkspaceId} deleted")]
    static partial void LogSnapshotDeleted(ILogger logger, string workspaceId, string snapshot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workspace {WorkspaceId} restored from share snapshot {Snapshot}: {Kept} entries copied, {Removed} removed")]
    static partial void LogRestored(ILogger logger, string workspaceId, string snapshot, int kept, int removed);
}
