using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Models;
using Azure.ResourceManager.Resources;
using Coder.Orchestrations.Provisioning.Azure;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>
/// Workspaces as Azure VMs through Azure.ResourceManager.Compute: a NIC in the workspace subnet, an empty data disk for
/// the home folder (it outlives the VM's OS disk), the VM with cloud-init custom data and the workspace identity, and
/// the agent's secrets through an extension's protected settings. Stop deallocates; snapshots are managed-disk
/// snapshots of the data disk. One replica per workspace.
/// </summary>
public sealed partial class VirtualMachineProvisioner(AzureClients azure, AgentDownloads agents, ILogger<VirtualMachineProvisioner> logger) : IWorkspaceProvisioner
{
    const string DataDiskTag = "coder-data-disk";

    readonly WorkspaceIdentityGrants _identities = new(azure, logger);

    public string Name => "vm";

    /// <summary>
    /// A resize reboots the VM; one VM and one replica per workspace (no second instance); home is a data disk that
    /// outlives the VM (no lost content); no snapshot hooks are run; disk snapshots can be deleted.
    /// </summary>
    public static ProvisionerCapabilities Declared { get; } = new(LiveResize: false, Snapshots: true, SnapshotDelete: true, MaxReplicas: 1);

    public ProvisionerCapabilities Capabilities => Declared;

    AzureProvisioningOptions Options => azure.Options;

    AzureLocation Location => new(Options.Location!);

    public static string VmName(string workspaceId) => $"coder-{workspaceId}";

    static string NicName(string workspaceId) => $"nic-{workspaceId}";

    static string DataDiskName(string workspaceId) => $"data-{workspaceId}";

    static string SnapshotName(string snapshotId) => $"snap-{snapshotId}";

    ResourceIdentifier VmId(string workspaceId) => VirtualMachineResource.CreateResourceIdentifier(Options.SubscriptionId!, Options.ResourceGroup!, VmName(workspaceId));

    ResourceIdentifier NicId(string workspaceId) => new($"{azure.ResourceGroupId}/providers/Microsoft.Network/networkInterfaces/{NicName(workspaceId)}");

    public async Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Replicas != 1) throw new InvalidOperationException($"The vm provisioner runs one replica per workspace; {spec.Replicas} were asked for.");
        string workspaceId = spec.Workspace.WorkspaceId;
        var vm = await GetVmAsync(workspaceId, cancellationToken);
        bool created = vm is null;
        if (vm is null)
        {
            // Before anything is created: a missing queue id or an unpublished agent fails here, not half-way.
            var grants = WorkspaceGrant.ForAgentTransport(spec, Options);
            var agent = await agents.LinuxX64Async(cancellationToken);
            var nic = await EnsureNicAsync(spec, cancellationToken);
            var disk = await EnsureDataDiskAsync(spec, cancellationToken);
            var identity = await _identities.EnsureAsync(spec.Workspace, grants, cancellationToken);
            vm = await azure.CompleteAsync(t => azure.ResourceGroup.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Started, VmName(workspaceId), VmData(spec, nic, disk, identity, agent), t), cancellationToken);
            LogCreated(logger, workspaceId, vm.Data.HardwareProfile.VmSize?.ToString() ?? "?");
        }
        else if (!IsRunning(await vm.InstanceViewAsync(cancellationToken)))
        {
            await azure.CompleteAsync(t => vm.PowerOnAsync(WaitUntil.Started, t), cancellationToken);
        }

        await EnsureAgentAsync(vm, spec, cancellationToken);
        return new WorkspaceResourceState([vm.Id.ToString(), NicId(workspaceId).ToString(), DataDiskId(vm)?.ToString() ?? ""], Running: true, created, LimitsEnforced: true);
    }

    public Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => EnsureAsync(spec, cancellationToken);

    /// <summary>Deallocate, not power off: a powered-off VM is still billed for its compute.</summary>
    public async Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        var vm = await GetVmAsync(workspace.WorkspaceId, cancellationToken);
        if (vm is null) return;
        await azure.CompleteAsync(t => vm.DeallocateAsync(WaitUntil.Started, cancellationToken: t), cancellationToken);
    }

    /// <summary>
    /// A size the VM's current hardware cluster offers is applied in place (Azure reboots the VM); any other needs the
    /// VM deallocated first, then started again.
    /// </summary>
    public async Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Replicas != 1) throw new InvalidOperationException($"The vm provisioner runs one replica per workspace; {spec.Replicas} were asked for.");
        var vm = await GetVmAsync(spec.Workspace.WorkspaceId, cancellationToken) ?? throw new InvalidOperationException($"Workspace {spec.Workspace.WorkspaceId} has no VM to resize.");
        string size = VmSizes.For(spec.Cpu, spec.MemoryMiB);
        if (string.Equals(vm.Data.HardwareProfile.VmSize?.ToString(), size, StringComparison.OrdinalIgnoreCase)) return new ResizeOutcome(Restarted: false, LimitsEnforced: true);

        bool available = false;
        await foreach (var offered in vm.GetAvailableSizesAsync(cancellationToken))
        {
            available |= string.Equals(offered.Name, size, StringComparison.OrdinalIgnoreCase);
        }

        var patch = new VirtualMachinePatch { HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType(size) } };
        if (available)
        {
            await azure.CompleteAsync(t => vm.UpdateAsync(WaitUntil.Started, patch, cancellationToken: t), cancellationToken);
            return new ResizeOutcome(Restarted: true, LimitsEnforced: true, $"Resized VM {vm.Data.Name} to {size} in place (Azure reboots the VM).");
        }

        await azure.CompleteAsync(t => vm.DeallocateAsync(WaitUntil.Started, cancellationToken: t), cancellationToken);
        vm = await azure.CompleteAsync(t => vm.UpdateAsync(WaitUntil.Started, patch, cancellationToken: t), cancellationToken);
        await azure.CompleteAsync(t => vm.PowerOnAsync(WaitUntil.Started, t), cancellationToken);
        await EnsureAgentAsync(vm, spec, cancellationToken);
        return new ResizeOutcome(Restarted: true, LimitsEnforced: true, $"Resized VM {vm.Data.Name} to {size}: the size is not offered on its current hardware, so it was deallocated, changed and started.");
    }

    /// <summary>An incremental managed-disk snapshot of the data disk, named after the snapshot id (a retry PUTs the same one).</summary>
    public async Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken)
    {
        var vm = await GetVmAsync(workspace.WorkspaceId, cancellationToken) ?? throw new InvalidOperationException($"Workspace {workspace.WorkspaceId} has no VM.");
        var diskId = DataDiskId(vm) ?? throw new InvalidOperationException($"VM {vm.Data.Name} has no data disk.");
        var data = new SnapshotData(Location)
        {
            CreationData = new DiskCreationData(DiskCreateOption.Copy) { SourceResourceId = diskId },
            Incremental = true,
        };
        data.Tags[ProvisionerTags.WorkspaceId] = workspace.WorkspaceId;
        var snapshot = await azure.CompleteAsync(t => azure.ResourceGroup.GetSnapshots().CreateOrUpdateAsync(WaitUntil.Started, SnapshotName(request.SnapshotId), data, t), cancellationToken);
        long size = (snapshot.Data.DiskSizeGB ?? 0) * 1024L * 1024 * 1024;
        // Disk snapshots carry no content hash and do not report the bytes the increment stored.
        return new SnapshotCapture(snapshot.Id.ToString(), snapshot.Data.DiskSizeBytes ?? size, "", 0);
    }

    /// <summary>
    /// A new disk from the snapshot, swapped in at LUN 0 while the VM is deallocated; the old disk is deleted only after
    /// the VM runs on the new one, so a failure leaves the old data attached.
    /// </summary>
    public async Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken)
    {
        var vm = await GetVmAsync(workspace.WorkspaceId, cancellationToken) ?? throw new InvalidOperationException($"Workspace {workspace.WorkspaceId} has no VM.");
        var oldDisk = DataDiskId(vm);
        var snapshotId = new ResourceIdentifier(request.Location);
        string diskName = $"data-{workspace.WorkspaceId}-{request.SnapshotId}";
        var diskData = new ManagedDiskData(Location)
        {
            CreationData = new DiskCreationData(DiskCreateOption.Copy) { SourceResourceId = snapshotId },
            Sku = new DiskSku { Name = DiskStorageAccountType.PremiumLrs },
        };
        diskData.Tags[ProvisionerTags.WorkspaceId] = workspace.WorkspaceId;
        var disk = await azure.CompleteAsync(t => azure.ResourceGroup.GetManagedDisks().CreateOrUpdateAsync(WaitUntil.Started, diskName, diskData, t), cancellationToken);
        if (oldDisk is not null && oldDisk.Equals(disk.Id)) return;

        await azure.CompleteAsync(t => vm.DeallocateAsync(WaitUntil.Started, cancellationToken: t), cancellationToken);
        var patch = new VirtualMachinePatch { StorageProfile = new VirtualMachineStorageProfile() };
        patch.StorageProfile.DataDisks.Add(new VirtualMachineDataDisk(0, DiskCreateOptionType.Attach) { Name = diskName, ManagedDisk = new VirtualMachineManagedDisk { Id = disk.Id }, DeleteOption = DiskDeleteOptionType.Detach });
        patch.Tags[DataDiskTag] = diskName;
        foreach (var (k, v) in vm.Data.Tags) patch.Tags.TryAdd(k, v);
        vm = await azure.CompleteAsync(t => vm.UpdateAsync(WaitUntil.Started, patch, cancellationToken: t), cancellationToken);
        await azure.CompleteAsync(t => vm.PowerOnAsync(WaitUntil.Started, t), cancellationToken);
        if (oldDisk is not null) await DeleteIfExistsAsync(azure.CompleteAsync(t => azure.Arm.GetManagedDiskResource(oldDisk).DeleteAsync(WaitUntil.Started, t), cancellationToken));
    }

    /// <summary>Snapshots - Delete (Microsoft.Compute/snapshots) of the disk snapshot; a missing one is already gone.</summary>
    public async Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken)
    {
        var id = location is null ? SnapshotResource.CreateResourceIdentifier(Options.SubscriptionId!, Options.ResourceGroup!, SnapshotName(snapshotId)) : new ResourceIdentifier(location);
        await DeleteIfExistsAsync(azure.CompleteAsync(t => azure.Arm.GetSnapshotResource(id).DeleteAsync(WaitUntil.Started, t), cancellationToken));
        LogSnapshotDeleted(logger, workspace.WorkspaceId, id.Name);
    }

    /// <summary>Home is a data disk that outlives the VM: content never goes with the compute.</summary>
    public Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>Not offered: the control plane reaches into a VM only through its agent, which runs no snapshot hooks.</summary>
    public Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The vm provisioner runs no workspace scripts (see its capabilities).");

    public async Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        string workspaceId = workspace.WorkspaceId;
        var vm = await GetVmAsync(workspaceId, cancellationToken);
        var disk = vm is null ? null : DataDiskId(vm);
        if (vm is not null) await DeleteIfExistsAsync(azure.CompleteAsync(t => vm.DeleteAsync(WaitUntil.Started, cancellationToken: t), cancellationToken));
        await DeleteIfExistsAsync(azure.CompleteAsync(t => azure.Arm.GetGenericResource(NicId(workspaceId)).DeleteAsync(WaitUntil.Started, t), cancellationToken));
        disk ??= ManagedDiskResource.CreateResourceIdentifier(Options.SubscriptionId!, Options.ResourceGroup!, DataDiskName(workspaceId));
        await DeleteIfExistsAsync(azure.CompleteAsync(t => azure.Arm.GetManagedDiskResource(disk).DeleteAsync(WaitUntil.Started, t), cancellationToken));
        await _identities.DestroyAsync(workspace, WorkspaceGrant.ForAgentQueue(Options), cancellationToken);
    }

    public async Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken)
    {
        var items = new List<InventoryItem>();
        string filter = $"tagName eq '{ProvisionerTags.WorkspaceId}' and resourceType eq 'Microsoft.Compute/virtualMachines'";
        await foreach (var listed in azure.ResourceGroup.GetGenericResourcesAsync(filter: filter, cancellationToken: cancellationToken))
        {
            if (listed.Data.ResourceType != VirtualMachineResource.ResourceType || !listed.Data.Tags.TryGetValue(ProvisionerTags.WorkspaceId, out string? workspaceId)) continue;
            var vm = await GetVmAsync(workspaceId, cancellationToken);
            if (vm is null) continue;
            items.Add(Item(workspaceId, vm, IsRunning(await vm.InstanceViewAsync(cancellationToken))));
        }

        return items;
    }

    /// <summary>One GET of the workspace's VM with its instance view expanded (the power state). One VM per workspace.</summary>
    public async Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        if (workspace.Instance is not null) return null;
        var vm = await GetVmAsync(workspace.WorkspaceId, InstanceViewType.InstanceView, cancellationToken);
        return vm is null ? null : Item(workspace.WorkspaceId, vm, vm.Data.InstanceView is { } view && IsRunning(view));
    }

    /// <summary>The VM as it runs, with its size from the same GET (<c>hardwareProfile.vmSize</c>, see <see cref="VmSizeRule"/>).</summary>
    InventoryItem Item(string workspaceId, VirtualMachineResource vm, bool running) =>
        new(Name, workspaceId, vm.Id.ToString(), running, running ? 1 : 0,
            vm.Data.Tags.TryGetValue(ProvisionerTags.BuildId, out string? build) ? build : null, new Dictionary<string, string>(vm.Data.Tags),
            UnitSizes: running ? VmSizeRule.Observe(vm.Data.HardwareProfile?.VmSize?.ToString()) : null);

    VirtualMachineData VmData(WorkspaceResourceSpec spec, ResourceIdentifier nic, ManagedDiskResource disk, WorkspaceIdentity identity, AgentDownload agent)
    {
        string workspaceId = spec.Workspace.WorkspaceId;
        var data = new VirtualMachineData(Location)
        {
            HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType(VmSizes.For(spec.Cpu, spec.MemoryMiB)) },
            StorageProfile = new VirtualMachineStorageProfile
            {
                ImageReference = Image(spec.Image ?? throw new InvalidOperationException("The vm provisioner needs the template's image.")),
                OSDisk = new VirtualMachineOSDisk(DiskCreateOptionType.FromImage)
                {
                    Name = $"os-{workspaceId}",
                    Caching = CachingType.ReadWrite,
                    ManagedDisk = new VirtualMachineManagedDisk { StorageAccountType = StorageAccountType.PremiumLrs },
                    DeleteOption = DiskDeleteOptionType.Delete,
                },
            },
            OSProfile = new VirtualMachineOSProfile
            {
                ComputerName = workspaceId,
                AdminUsername = Options.VmAdminUsername,
                CustomData = VmCloudInit.Base64(agent),
                LinuxConfiguration = new LinuxConfiguration { DisablePasswordAuthentication = true },
            },
            NetworkProfile = new VirtualMachineNetworkProfile(),
            Identity = new ManagedServiceIdentity(ManagedServiceIdentityType.UserAssigned) { UserAssignedIdentities = { [identity.Id] = new UserAssignedIdentity() } },
        };
        string key = Options.VmAdminSshPublicKey is { Length: > 0 } configured ? configured : EphemeralSshKey.NewPublicKey();
        data.OSProfile.LinuxConfiguration.SshPublicKeys.Add(new SshPublicKeyConfiguration { Path = $"/home/{Options.VmAdminUsername}/.ssh/authorized_keys", KeyData = key });

        // The home disk is detached, not deleted, with the VM: DestroyAsync deletes it explicitly.
        data.StorageProfile.DataDisks.Add(new VirtualMachineDataDisk(0, DiskCreateOptionType.Attach) { Name = disk.Data.Name, ManagedDisk = new VirtualMachineManagedDisk { Id = disk.Id }, DeleteOption = DiskDeleteOptionType.Detach });
        data.NetworkProfile.NetworkInterfaces.Add(new VirtualMachineNetworkInterfaceReference { Id = nic, Primary = true, DeleteOption = ComputeDeleteOption.Detach });
        Tag(data.Tags, spec);
        data.Tags[DataDiskTag] = disk.Data.Name;
        return data;
    }

    /// <summary><c>publisher:offer:sku:version</c> (as the Azure CLI writes it) or an image / gallery image resource id.</summary>
    static ImageReference Image(string image)
    {
        if (image.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase)) return new ImageReference { Id = new ResourceIdentifier(image) };
        string[] parts = image.Split(':');
        if (parts.Length != 4) throw new InvalidOperationException($"VM image '{image}' is neither publisher:offer:sku:version nor an image resource id.");
        return new ImageReference { Publisher = parts[0], Offer = parts[1], Sku = parts[2], Version = parts[3] };
    }

    async Task<ResourceIdentifier> EnsureNicAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        var properties = new JsonObject
        {
            ["ipConfigurations"] = new JsonArray(new JsonObject
            {
                ["name"] = "ipconfig1",
                ["properties"] = new JsonObject
                {
                    ["privateIPAllocationMethod"] = "Dynamic",
                    ["subnet"] = new JsonObject { ["id"] = Options.VmSubnetId ?? throw new InvalidOperationException("Coder:Azure:VmSubnetId is required by the vm provisioner.") },
                },
            }),
        };
        var data = new GenericResourceData(Location) { Properties = BinaryData.FromString(properties.ToJsonString()) };
        Tag(data.Tags, spec);
        var nic = await azure.CompleteAsync(t => azure.Arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Started, NicId(spec.Workspace.WorkspaceId), data, t), cancellationToken);
        return nic.Id;
    }

    async Task<ManagedDiskResource> EnsureDataDiskAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        var data = new ManagedDiskData(Location)
        {
            CreationData = new DiskCreationData(DiskCreateOption.Empty),
            DiskSizeGB = spec.DiskGiB ?? 32,
            Sku = new DiskSku { Name = DiskStorageAccountType.PremiumLrs },
        };
        Tag(data.Tags, spec);
        return await azure.CompleteAsync(t => azure.ResourceGroup.GetManagedDisks().CreateOrUpdateAsync(WaitUntil.Started, DataDiskName(spec.Workspace.WorkspaceId), data, t), cancellationToken);
    }

    /// <summary>
    /// The agent's environment for this build, and the build tag. ForceUpdateTag is the build id, so a retry of the
    /// same build finds both in place and changes nothing.
    /// </summary>
    async Task EnsureAgentAsync(VirtualMachineResource vm, WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        if (await ExtensionBuildAsync(vm, cancellationToken) != spec.BuildId)
        {
            var env = new Dictionary<string, string>(spec.AgentEnvironment, StringComparer.Ordinal)
            {
                [AgentIds.Variable] = AgentIds.For(spec.Workspace.WorkspaceId, spec.BuildId, 0),
                ["CODER_AGENT_REPLICA"] = "0",
            };
            // The agent signs in as the workspace's own identity, the one the VM wears (ARM reports its client id).
            if (vm.Data.Identity?.UserAssignedIdentities.TryGetValue(_identities.IdentityId(spec.Workspace.WorkspaceId), out var worn) == true && worn.ClientId is { } clientId)
                env[WorkspaceIdentity.ClientIdVariable] = clientId.ToString();
            var extension = new VirtualMachineExtensionData(Location)
            {
                Publisher = "Microsoft.Azure.Extensions",
                ExtensionType = "CustomScript",
                TypeHandlerVersion = "2.1",
                AutoUpgradeMinorVersion = true,
                ForceUpdateTag = spec.BuildId,
                ProtectedSettings = BinaryData.FromObjectAsJson(new { script = VmAgentEnvironment.Script(env) }),
            };
            await azure.CompleteAsync(t => vm.GetVirtualMachineExtensions().CreateOrUpdateAsync(WaitUntil.Started, VmAgentEnvironment.ExtensionName, extension, t), cancellationToken);
        }

        if (vm.Data.Tags.TryGetValue(ProvisionerTags.BuildId, out string? build) && build == spec.BuildId) return;
        var patch = new VirtualMachinePatch();
        foreach (var (k, v) in vm.Data.Tags) patch.Tags[k] = v;
        Tag(patch.Tags, spec);
        await azure.CompleteAsync(t => vm.UpdateAsync(WaitUntil.Started, patch, cancellationToken: t), cancellationToken);
    }

    static async Task<string?> ExtensionBuildAsync(VirtualMachineResource vm, CancellationToken cancellationToken)
    {
        try
        {
            return (await vm.GetVirtualMachineExtensionAsync(VmAgentEnvironment.ExtensionName, cancellationToken: cancellationToken)).Value.Data.ForceUpdateTag;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    static void Tag(IDictionary<string, string> tags, WorkspaceResourceSpec spec)
    {
        tags[ProvisionerTags.WorkspaceId] = spec.Workspace.WorkspaceId;
        tags[ProvisionerTags.TemplateVersion] = $"{spec.Template}@{spec.TemplateVersion}";
        tags[ProvisionerTags.BuildId] = spec.BuildId;
        tags[ProvisionerTags.Owner] = spec.Workspace.Owner;
    }

    static ResourceIdentifier? DataDiskId(VirtualMachineResource vm) =>
        vm.Data.StorageProfile?.DataDisks.FirstOrDefault(d => d.Lun == 0)?.ManagedDisk?.Id;

    /// <summary>Power state lives in the instance view's <c>PowerState/*</c> status code.</summary>
    static bool IsRunning(VirtualMachineInstanceView view) =>
        view.Statuses.Any(s => string.Equals(s.Code, "PowerState/running", StringComparison.OrdinalIgnoreCase));

    Task<VirtualMachineResource?> GetVmAsync(string workspaceId, CancellationToken cancellationToken) => GetVmAsync(workspaceId, expand: null, cancellationToken);

    async Task<VirtualMachineResource?> GetVmAsync(string workspaceId, InstanceViewType? expand, CancellationToken cancellationToken)
    {
        try
        {
            return (await azure.Arm.GetVirtualMachineResource(VmId(workspaceId)).GetAsync(expand, cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    static async Task DeleteIfExistsAsync(Task delete)
    {
        try
        {
            await delete;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Disk snapshot {Snapshot} of workspace {WorkspaceId} deleted")]
    static partial void LogSnapshotDeleted(ILogger logger, string workspaceId, string snapshot);

    [LoggerMessage(Level = LogLevel.Information, Message = "VM for workspace {WorkspaceId} created with size {Size}")]
    static partial void LogCreated(ILogger logger, string workspaceId, string size);
}
