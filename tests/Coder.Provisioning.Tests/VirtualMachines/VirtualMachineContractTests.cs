using System.Text;
using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.VirtualMachines;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Provisioning.Tests.VirtualMachines;

/// <summary>
/// Contract tests of the vm provisioner against the official Microsoft.Compute REST contract: bodies come from the
/// SDK's own models (Azure.ResourceManager.Compute 1.2.0, which sends api-version 2023-07-01 for VMs and 2023-04-02 for
/// disks) and their key fields are checked against the official examples (Compute RP 2023-03-01, Disk RP 2023-01-02);
/// the fake answers with those examples.
/// </summary>
public sealed class VirtualMachineContractTests : ArmContractTest
{
    const string Ws = "ws-vm00000001";
    const string Vm = "virtualMachines/coder-" + Ws;
    const string Nic = "networkInterfaces/nic-" + Ws;
    const string Disk = "disks/data-" + Ws;
    const string Identity = "userAssignedIdentities/id-" + Ws;
    const string Image = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest";

    VirtualMachineProvisioner Provisioner => new(Azure, Agent.Downloads, NullLogger<VirtualMachineProvisioner>.Instance);

    static readonly string[] KeyFields =
    [
        "location",
        "properties.hardwareProfile.vmSize",
        "properties.storageProfile.imageReference.publisher",
        "properties.storageProfile.imageReference.offer",
        "properties.storageProfile.imageReference.sku",
        "properties.storageProfile.imageReference.version",
        "properties.storageProfile.osDisk.createOption",
        "properties.storageProfile.osDisk.caching",
        "properties.storageProfile.osDisk.managedDisk.storageAccountType",
        "properties.storageProfile.osDisk.name",
        "properties.osProfile.adminUsername",
        "properties.osProfile.computerName",
        "properties.osProfile.linuxConfiguration.ssh.publicKeys[0].path",
        "properties.osProfile.linuxConfiguration.ssh.publicKeys[0].keyData",
        "properties.networkProfile.networkInterfaces[0].id",
        "properties.networkProfile.networkInterfaces[0].properties.primary",
    ];

    [Fact]
    public async Task Create_per_official_Compute_REST_contract_builds_NIC_disk_VM_and_agent_extension_and_retries_429_and_500_with_identical_PUTs_only()
    {
        Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("/virtualMachines/coder-" + Ws, StringComparison.Ordinal), 429);
        Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("/virtualMachines/coder-" + Ws, StringComparison.Ordinal), 500);

        var state = await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);

        AssertCalls(
            $"GET {Vm} → 404",
            $"PUT {Nic} → 201", "GET operation → 200", "GET operation → 200", $"GET {Nic} → 200",
            $"PUT {Disk} → 202", "GET operation → 200", "GET operation → 200", $"GET {Disk} → 200",
            $"PUT {Identity} → 201", "PUT roleAssignment on queues/agent-events → 201",
            $"PUT {Vm} → 429", $"PUT {Vm} → 500", $"PUT {Vm} → 201", "GET operation → 200", "GET operation → 200", $"GET {Vm} → 200",
            $"GET {Vm}/extensions/coder-agent-env → 404",
            $"PUT {Vm}/extensions/coder-agent-env → 201", "GET operation → 200", "GET operation → 200", $"GET {Vm}/extensions/coder-agent-env → 200");
        var puts = Fake.Calls.Where(c => c.Method == "PUT" && c.Path.EndsWith("/virtualMachines/coder-" + Ws, StringComparison.Ordinal)).Select(c => c.Body).ToList();
        Assert.Equal(3, puts.Count);
        Assert.Single(puts.Distinct());
        Assert.True(state.Created);

        var body = JsonNode.Parse(puts[0]!)!;
        var example = OfficialSpecs.Load("Compute/VirtualMachine_Create_WithSshAuthentication.json")["parameters"]!["parameters"]!;
        foreach (string field in KeyFields)
        {
            var expected = JsonPath.At(example, field);
            var actual = JsonPath.At(body, field);
            Assert.True(expected is not null, $"{field} is not in the official example");
            Assert.True(actual is not null && actual.GetValueKind() == expected!.GetValueKind(), $"{field}: {actual?.ToJsonString() ?? "missing"} (example: {expected?.ToJsonString()})");
        }

        Assert.Equal("FromImage", (string?)JsonPath.At(body, "properties.storageProfile.osDisk.createOption"));
        Assert.Equal("Standard_B1ms", (string?)JsonPath.At(body, "properties.hardwareProfile.vmSize"));
        Assert.Equal("Canonical", (string?)JsonPath.At(body, "properties.storageProfile.imageReference.publisher"));
        Assert.Equal(0, (int?)JsonPath.At(body, "properties.storageProfile.dataDisks[0].lun"));
        Assert.Equal("Attach", (string?)JsonPath.At(body, "properties.storageProfile.dataDisks[0].createOption"));
        Assert.EndsWith("/disks/data-" + Ws, (string?)JsonPath.At(body, "properties.storageProfile.dataDisks[0].managedDisk.id"), StringComparison.Ordinal);
        Assert.True((bool?)JsonPath.At(body, "properties.osProfile.linuxConfiguration.disablePasswordAuthentication"));
        // The identity enum of VirtualMachineIdentity (modelAsString: false).
        Assert.Equal("UserAssigned", (string?)JsonPath.At(body, "identity.type"));
        AssertWearsOnlyIdentityOf(Ws, body);
        Assert.Equal(Ws, (string?)body["tags"]!["coder-workspace-id"]);
        Assert.Equal("py@3", (string?)body["tags"]!["coder-template-version"]);

        // customData: base64 cloud-init, at most 65,535 bytes, installing and starting the agent, and no secret.
        byte[] customData = Convert.FromBase64String((string)JsonPath.At(body, "properties.osProfile.customData")!);
        Assert.InRange(customData.Length, 1, 65535);
        string cloudInit = Encoding.UTF8.GetString(customData);
        Assert.StartsWith("#cloud-config", cloudInit, StringComparison.Ordinal);
        Assert.Contains(AgentBinaryRoutes.UrlFor(Agent.ControlPlaneUrl, AgentBinaryRoutes.LinuxX64), cloudInit, StringComparison.Ordinal);
        Assert.Contains(Agent.Sha256, cloudInit, StringComparison.Ordinal);
        Assert.Contains("systemctl, enable, coder-agent.service", cloudInit, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-agent-token", cloudInit, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-agent-token", puts[0]!, StringComparison.Ordinal);

        // The token travels only in the extension's protectedSettings.
        var extension = JsonNode.Parse(Fake.Calls.Single(c => c.Method == "PUT" && c.Path.EndsWith("/extensions/coder-agent-env", StringComparison.Ordinal)).Body!)!;
        Assert.Null(JsonPath.At(extension, "properties.settings"));
        Assert.Equal("b1", (string?)JsonPath.At(extension, "properties.forceUpdateTag"));
        string script = Encoding.UTF8.GetString(Convert.FromBase64String((string)JsonPath.At(extension, "properties.protectedSettings.script")!));
        string env = Encoding.UTF8.GetString(Convert.FromBase64String(script.Split('\'')[1]));
        Assert.Contains("CODER_AGENT_TOKEN=\"secret-agent-token-b1\"", env, StringComparison.Ordinal);
        // The agent refuses to start without CODER_AGENT_ID.
        Assert.Contains($"CODER_AGENT_ID=\"{Ws}-b1-r0\"", env, StringComparison.Ordinal);
        // The agent signs in as the workspace's own identity, the one the VM wears.
        Assert.Contains($"AZURE_CLIENT_ID=\"{IdentityOf(Ws).ClientId}\"", env, StringComparison.Ordinal);

        // Retried with the same build: nothing is written.
        Fake.ClearCalls();
        var again = await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        Assert.False(again.Created);
        AssertCalls($"GET {Vm} → 200", $"GET {Vm}/instanceView → 200", $"GET {Vm}/extensions/coder-agent-env → 200");
    }

    [Fact]
    public async Task A_create_retried_after_it_failed_midway_issues_idempotent_PUTs_only_and_leaves_one_NIC_disk_and_VM()
    {
        // Seven 500s outlast the SDK's six retries: the first attempt fails after the NIC and the disk, as an activity would.
        for (int i = 0; i < 7; i++) Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("/virtualMachines/coder-" + Ws, StringComparison.Ordinal), 500);
        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None));
        Assert.Equal(500, failure.Status);

        var state = await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);

        string[] NicAndDisk(int nic, int disk) =>
        [
            $"PUT {Nic} → {nic}", "GET operation → 200", "GET operation → 200", $"GET {Nic} → 200",
            $"PUT {Disk} → {disk}", "GET operation → 200", "GET operation → 200", $"GET {Disk} → 200",
        ];
        AssertCalls(
            [
                $"GET {Vm} → 404", .. NicAndDisk(201, 202), $"PUT {Identity} → 201", "PUT roleAssignment on queues/agent-events → 201", .. Enumerable.Repeat($"PUT {Vm} → 500", 7),
                $"GET {Vm} → 404", .. NicAndDisk(200, 202), $"PUT {Identity} → 200", "PUT roleAssignment on queues/agent-events → 200",
                $"PUT {Vm} → 201", "GET operation → 200", "GET operation → 200", $"GET {Vm} → 200",
                $"GET {Vm}/extensions/coder-agent-env → 404",
                $"PUT {Vm}/extensions/coder-agent-env → 201", "GET operation → 200", "GET operation → 200", $"GET {Vm}/extensions/coder-agent-env → 200",
            ]);
        AssertWritesAreIdenticalPutsOnly();
        Assert.True(state.Created);
        Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None));
        Assert.NotNull(Fake.Resource("/networkInterfaces/nic-" + Ws));
        Assert.NotNull(Fake.Resource("/disks/data-" + Ws));
    }

    [Fact]
    public async Task Stop_deallocates_and_start_powers_on_via_Location_polling_per_official_REST_contract()
    {
        var spec = Spec(Ws, image: Image);
        await Provisioner.EnsureAsync(spec, CancellationToken.None);
        Fake.ClearCalls();

        await Provisioner.StopAsync(spec.Workspace, CancellationToken.None);
        // Compute answers VM actions with Azure-AsyncOperation and Location: polled, then the Location read for the result.
        AssertCalls($"GET {Vm} → 200", $"POST {Vm}/deallocate → 202", "GET operation → 200", "GET operation → 200", "GET operation → 200");
        Assert.Equal("deallocated", Fake.PowerState("coder-" + Ws));
        Assert.False(Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None)).Running);

        Fake.ClearCalls();
        await Provisioner.StartAsync(spec, CancellationToken.None);
        AssertCalls(
            $"GET {Vm} → 200", $"GET {Vm}/instanceView → 200",
            $"POST {Vm}/start → 202", "GET operation → 200", "GET operation → 200", "GET operation → 200",
            $"GET {Vm}/extensions/coder-agent-env → 200");
        Assert.Equal("running", Fake.PowerState("coder-" + Ws));
        var item = Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None));
        Assert.True(item.Running);
        Assert.Equal("b1", item.BuildId);

        await Provisioner.StopAsync(new WorkspaceRef("ws-missing0001", "alice"), CancellationToken.None);
    }

    [Fact]
    public async Task Resize_patches_in_place_when_the_size_is_offered_and_otherwise_deallocates_changes_and_starts()
    {
        await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        Fake.ClearCalls();

        var same = await Provisioner.ResizeAsync(Spec(Ws, image: Image), CancellationToken.None);
        Assert.False(same.Restarted);
        AssertCalls($"GET {Vm} → 200");

        Fake.ClearCalls();
        var outcome = await Provisioner.ResizeAsync(Spec(Ws, cpu: 4, memoryMiB: 16384, image: Image), CancellationToken.None);
        // VM actions answer 202 with Azure-AsyncOperation and Location: the status is polled, then Location is read for
        // the result. The PATCH answers 200 with provisioningState Updating (the official example): Azure.Core then
        // ignores its headers and polls the VM itself until Succeeded.
        AssertCalls(
            $"GET {Vm} → 200", $"GET {Vm}/vmSizes → 200",
            $"POST {Vm}/deallocate → 202", "GET operation → 200", "GET operation → 200", "GET operation → 200",
            $"PATCH {Vm} → 200", $"GET {Vm} → 200", $"GET {Vm} → 200",
            $"POST {Vm}/start → 202", "GET operation → 200", "GET operation → 200", "GET operation → 200",
            $"GET {Vm}/extensions/coder-agent-env → 200");
        Assert.True(outcome.Restarted);
        Assert.Contains("deallocated, changed and started", outcome.Note, StringComparison.Ordinal);
        Assert.Equal("Standard_D4s_v5", (string?)JsonPath.At(Fake.Resource("/virtualMachines/coder-" + Ws), "properties.hardwareProfile.vmSize"));
        Assert.Equal("running", Fake.PowerState("coder-" + Ws));
        Assert.Equal("Succeeded", (string?)JsonPath.At(Fake.Resource("/virtualMachines/coder-" + Ws), "properties.provisioningState"));

        Fake.ExtraAvailableSizes.Add("Standard_D8s_v5");
        Fake.ClearCalls();
        var inPlace = await Provisioner.ResizeAsync(Spec(Ws, cpu: 8, memoryMiB: 32768, image: Image), CancellationToken.None);
        AssertCalls($"GET {Vm} → 200", $"GET {Vm}/vmSizes → 200", $"PATCH {Vm} → 200", $"GET {Vm} → 200", $"GET {Vm} → 200");
        Assert.True(inPlace.Restarted);
        Assert.Contains("in place", inPlace.Note, StringComparison.Ordinal);
        Assert.Equal("""{"properties":{"hardwareProfile":{"vmSize":"Standard_D8s_v5"}}}""", Fake.Calls.Single(c => c.Method == "PATCH").Body);
    }

    [Fact]
    public async Task Snapshot_is_a_managed_disk_snapshot_of_the_data_disk_and_restore_swaps_in_a_disk_created_from_it()
    {
        var workspace = Spec(Ws).Workspace;
        await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        Fake.ClearCalls();

        var capture = await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("s1", null, null), CancellationToken.None);
        AssertCalls($"GET {Vm} → 200", "PUT snapshots/snap-s1 → 202", "GET operation → 200", "GET operation → 200", "GET snapshots/snap-s1 → 200");
        var snapshotBody = JsonNode.Parse(Fake.Calls[1].Body!)!;
        var example = OfficialSpecs.Load("Compute/Snapshot_Create_FromAnExistingSnapshot.json")["parameters"]!["snapshot"]!;
        Assert.Equal((string?)JsonPath.At(example, "properties.creationData.createOption"), (string?)JsonPath.At(snapshotBody, "properties.creationData.createOption"));
        Assert.EndsWith("/disks/data-" + Ws, (string?)JsonPath.At(snapshotBody, "properties.creationData.sourceResourceId"), StringComparison.Ordinal);
        Assert.True((bool?)JsonPath.At(snapshotBody, "properties.incremental"));
        Assert.EndsWith("/snapshots/snap-s1", capture.Location, StringComparison.Ordinal);
        Assert.Equal(16L * 1024 * 1024 * 1024, capture.SizeBytes);

        Fake.ClearCalls();
        await Provisioner.RestoreAsync(workspace, new RestoreRequest("s1", capture.Location, null), CancellationToken.None);
        string restored = $"disks/data-{Ws}-s1";
        AssertCalls(
            $"GET {Vm} → 200",
            $"PUT {restored} → 202", "GET operation → 200", "GET operation → 200", $"GET {restored} → 200",
            $"POST {Vm}/deallocate → 202", "GET operation → 200", "GET operation → 200", "GET operation → 200",
            $"PATCH {Vm} → 200", $"GET {Vm} → 200", $"GET {Vm} → 200",
            $"POST {Vm}/start → 202", "GET operation → 200", "GET operation → 200", "GET operation → 200",
            $"DELETE {Disk} → 202", "GET operation → 202", "GET operation → 200");
        var diskBody = JsonNode.Parse(Fake.Calls[1].Body!)!;
        var diskExample = OfficialSpecs.Load("Compute/Disk_Create_ByCopyingASnapshot.json")["parameters"]!["disk"]!;
        Assert.Equal((string?)JsonPath.At(diskExample, "properties.creationData.createOption"), (string?)JsonPath.At(diskBody, "properties.creationData.createOption"));
        Assert.Equal(capture.Location, (string?)JsonPath.At(diskBody, "properties.creationData.sourceResourceId"));
        Assert.EndsWith("/disks/data-" + Ws + "-s1", (string?)JsonPath.At(Fake.Resource("/virtualMachines/coder-" + Ws), "properties.storageProfile.dataDisks[0].managedDisk.id"), StringComparison.Ordinal);
        Assert.Null(Fake.Resource("/disks/data-" + Ws));
        Assert.Equal("Succeeded", (string?)JsonPath.At(Fake.Resource("/virtualMachines/coder-" + Ws), "properties.provisioningState"));
        Assert.Equal("running", Fake.PowerState("coder-" + Ws));
    }

    /// <summary>
    /// Retention's delete: Snapshots - Delete (Microsoft.Compute/snapshots, DiskRP 2023-01-02 snapshot.json), an LRO
    /// answered 202 with a Location to poll (see ../shared/azure-specs/NOTES__arm-long-running-operations.md), and 204
    /// for a snapshot that is gone. The other snapshot and the data disk stay.
    /// </summary>
    [Fact]
    public async Task Snapshot_delete_is_a_Snapshots_Delete_LRO_of_that_disk_snapshot_only_and_a_second_delete_changes_nothing()
    {
        var workspace = Spec(Ws).Workspace;
        await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        var first = await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("s1", null, null), CancellationToken.None);
        await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("s2", "s1", null), CancellationToken.None);
        Assert.True(Provisioner.Capabilities.SnapshotDelete);
        Fake.ClearCalls();

        await Provisioner.DeleteSnapshotAsync(workspace, "s1", first.Location, CancellationToken.None);
        AssertCalls("DELETE snapshots/snap-s1 → 202", "GET operation → 202", "GET operation → 200");
        Assert.Null(Fake.Resource("/snapshots/snap-s1"));
        Assert.NotNull(Fake.Resource("/snapshots/snap-s2"));
        Assert.NotNull(Fake.Resource("/disks/data-" + Ws));

        // A capture that never recorded its location is found by its name, which comes from the snapshot id.
        Fake.ClearCalls();
        await Provisioner.DeleteSnapshotAsync(workspace, "s2", null, CancellationToken.None);
        AssertCalls("DELETE snapshots/snap-s2 → 202", "GET operation → 202", "GET operation → 200");
        Assert.Null(Fake.Resource("/snapshots/snap-s2"));

        Fake.ClearCalls();
        await Provisioner.DeleteSnapshotAsync(workspace, "s1", first.Location, CancellationToken.None);
        AssertCalls("DELETE snapshots/snap-s1 → 204");
    }

    [Fact]
    public async Task Delete_removes_VM_NIC_and_data_disk_in_dependency_order_and_a_second_delete_changes_nothing()
    {
        var workspace = Spec(Ws).Workspace;
        await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        Fake.ClearCalls();

        await Provisioner.DestroyAsync(workspace, CancellationToken.None);
        AssertCalls(
            $"GET {Vm} → 200",
            $"DELETE {Vm} → 202", "GET operation → 202", "GET operation → 200",
            $"DELETE {Nic} → 202", "GET operation → 202", "GET operation → 200",
            $"DELETE {Disk} → 202", "GET operation → 202", "GET operation → 200",
            $"GET {Identity} → 200", "DELETE roleAssignment on queues/agent-events → 200", $"DELETE {Identity} → 200");
        Assert.Empty(await Provisioner.InventoryAsync(CancellationToken.None));
        Assert.Empty(Fake.Identities);
        Assert.Empty(Fake.RoleAssignments);

        Fake.ClearCalls();
        await Provisioner.DestroyAsync(workspace, CancellationToken.None);
        AssertCalls($"GET {Vm} → 404", $"DELETE {Nic} → 204", $"DELETE {Disk} → 204", $"GET {Identity} → 404");
    }

    [Fact]
    public async Task Inventory_lists_VMs_by_the_workspace_tag_with_their_power_state()
    {
        const string other = "ws-vm00000002";
        await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        await Provisioner.EnsureAsync(Spec(other, build: "b9", image: Image), CancellationToken.None);
        await Provisioner.StopAsync(new WorkspaceRef(other, "alice"), CancellationToken.None);
        Fake.ClearCalls();

        var items = (await Provisioner.InventoryAsync(CancellationToken.None)).OrderBy(i => i.WorkspaceId, StringComparer.Ordinal).ToList();

        AssertCalls("GET resources → 200", $"GET {Vm} → 200", $"GET {Vm}/instanceView → 200", $"GET virtualMachines/coder-{other} → 200", $"GET virtualMachines/coder-{other}/instanceView → 200");
        Assert.Equal(2, items.Count);
        Assert.Equal((Ws, true, 1, "b1"), (items[0].WorkspaceId, items[0].Running, items[0].RunningReplicas, items[0].BuildId));
        Assert.Equal((other, false, 0, "b9"), (items[1].WorkspaceId, items[1].Running, items[1].RunningReplicas, items[1].BuildId));
        Assert.All(items, i => Assert.Equal("vm", i.Provisioner));
    }

    [Fact]
    public async Task Find_is_one_GET_of_the_VM_with_its_instance_view_whatever_else_the_group_holds()
    {
        const string other = "ws-vm00000002";
        await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        await Provisioner.EnsureAsync(Spec(other, build: "b9", image: Image), CancellationToken.None);
        Fake.ClearCalls();

        var running = await Provisioner.FindAsync(new WorkspaceRef(Ws, "alice"), CancellationToken.None);

        AssertCalls($"GET {Vm}?$expand=instanceView → 200");
        Assert.NotNull(running);
        Assert.Equal((Ws, true, 1, "b1", "vm"), (running.WorkspaceId, running.Running, running.RunningReplicas, running.BuildId, running.Provisioner));
        var listed = (await Provisioner.InventoryAsync(CancellationToken.None)).Single(i => i.WorkspaceId == Ws);
        Assert.Equal((listed.ResourceId, listed.Running, listed.RunningReplicas, listed.BuildId), (running.ResourceId, running.Running, running.RunningReplicas, running.BuildId));

        await Provisioner.StopAsync(new WorkspaceRef(Ws, "alice"), CancellationToken.None);
        Fake.ClearCalls();
        var stopped = await Provisioner.FindAsync(new WorkspaceRef(Ws, "alice"), CancellationToken.None);
        AssertCalls($"GET {Vm}?$expand=instanceView → 200");
        Assert.Equal((false, 0, "b1"), (stopped!.Running, stopped.RunningReplicas, stopped.BuildId));

        Fake.ClearCalls();
        Assert.Null(await Provisioner.FindAsync(new WorkspaceRef("ws-vm00000009", "alice"), CancellationToken.None));
        AssertCalls("GET virtualMachines/coder-ws-vm00000009?$expand=instanceView → 404");

        // A VM workspace has one compute instance; a second one (a blue-green green) never exists.
        Fake.ClearCalls();
        Assert.Null(await Provisioner.FindAsync(new WorkspaceRef(Ws, "alice", "g1"), CancellationToken.None));
        Assert.Empty(Fake.Calls);
    }
}
