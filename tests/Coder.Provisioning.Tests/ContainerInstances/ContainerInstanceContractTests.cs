using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Provisioning.Tests.ContainerInstances;

/// <summary>
/// Contract tests of the aci provisioner against the official Microsoft.ContainerInstance REST spec (swagger
/// 2026-05-01, every body validated by the fake ARM) and its example responses, through the real Azure SDK clients.
/// </summary>
public sealed class ContainerInstanceContractTests : ArmContractTest
{
    const string Ws = "ws-aci0000001";
    const string Group = "containerGroups/coder-" + Ws;
    const string Share = "shares/home-" + Ws;
    const string Identity = "userAssignedIdentities/id-" + Ws;

    /// <summary>The identity PUT and its two grants that precede every group PUT (201 the first time, 200 after).</summary>
    static string[] Grants(int status) =>
        [$"PUT {Identity} → {status}", $"PUT roleAssignment on {Share} → {status}", $"PUT roleAssignment on queues/agent-events → {status}"];

    ContainerInstanceProvisioner Provisioner => new(Azure, Agent.Downloads, NullLogger<ContainerInstanceProvisioner>.Instance);

    [Fact]
    public async Task Create_per_official_REST_spec_is_a_validated_PUT_run_as_LRO_and_retried_after_429_and_500_with_identical_PUTs_only()
    {
        Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("coder-" + Ws, StringComparison.Ordinal), 429);
        Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("coder-" + Ws, StringComparison.Ordinal), 500);

        var state = await Provisioner.EnsureAsync(Spec(Ws, replicas: 2), CancellationToken.None);

        AssertCalls(
        [
            $"GET {Group} → 404",
            $"PUT {Share} → 201",
            .. Grants(201),
            $"PUT {Group} → 429",
            $"PUT {Group} → 500",
            $"PUT {Group} → 201",
            "GET operation → 200",
            "GET operation → 200",
            $"GET {Group} → 200",
        ]);
        Assert.Empty(Fake.ContractViolations);
        var puts = Fake.Calls.Where(c => c.Method == "PUT" && c.Path.EndsWith("coder-" + Ws, StringComparison.Ordinal)).Select(c => c.Body).ToList();
        Assert.Equal(3, puts.Count);
        Assert.Single(puts.Distinct());
        Assert.True(state.Created);
        Assert.Contains(state.ResourceIds, id => id.EndsWith("/containerGroups/coder-" + Ws, StringComparison.Ordinal));

        var body = JsonNode.Parse(puts[0]!)!;
        Assert.Equal(Ws, (string?)body["tags"]!["coder-workspace-id"]);
        Assert.Equal("py@3", (string?)body["tags"]!["coder-template-version"]);
        Assert.Equal("UserAssigned", (string?)body["identity"]!["type"]);
        AssertWearsOnlyIdentityOf(Ws, body);
        var containers = body["properties"]!["containers"]!.AsArray();
        Assert.Equal(["workspace-r0", "workspace-r1"], containers.Select(c => (string)c!["name"]!));
        foreach (var container in containers)
        {
            var p = container!["properties"]!;
            Assert.Equal(1.0, (double)p["resources"]!["requests"]!["cpu"]!);
            Assert.Equal(2.0, (double)p["resources"]!["requests"]!["memoryInGB"]!);
            var token = p["environmentVariables"]!.AsArray().Single(e => (string?)e!["name"] == "CODER_AGENT_TOKEN")!;
            Assert.Equal("secret-agent-token-b1", (string?)token["secureValue"]);
            Assert.Null(token["value"]);
            Assert.NotNull(p["environmentVariables"]!.AsArray().Single(e => (string?)e!["name"] == "CODER_AGENT_SERVICEBUS_NAMESPACE")!["secureValue"]);
            Assert.Equal("/opt/coder/coder-agent", (string?)p["command"]![0]);
            // The agent refuses to start without CODER_AGENT_ID: one per build and replica.
            string replica = ((string)container["name"]!)[^1..];
            Assert.Equal($"{Ws}-b1-r{replica}", EnvironmentValue(p, "CODER_AGENT_ID"));
            // The agent signs in as the workspace's own identity.
            Assert.Equal(IdentityOf(Ws).ClientId, EnvironmentValue(p, "AZURE_CLIENT_ID"));
        }

        var home = body["properties"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "home")!["azureFile"]!;
        Assert.Equal("home-" + Ws, (string?)home["shareName"]);
        Assert.Equal(IdentityOf(Ws).ClientId, (string?)home["userManagedIdentityClientId"]);
        Assert.Null(home["storageAccountKey"]);
    }

    [Fact]
    public async Task A_create_retried_after_it_failed_midway_issues_idempotent_PUTs_only_and_leaves_one_group()
    {
        // Seven 500s outlast the SDK's six retries: the first attempt fails after the share PUT, as an activity would.
        for (int i = 0; i < 7; i++) Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("coder-" + Ws, StringComparison.Ordinal), 500);
        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None));
        Assert.Equal(500, failure.Status);

        var state = await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);

        AssertCalls(
            [
                $"GET {Group} → 404", $"PUT {Share} → 201", .. Grants(201), .. Enumerable.Repeat($"PUT {Group} → 500", 7),
                $"GET {Group} → 404", $"PUT {Share} → 200", .. Grants(200), $"PUT {Group} → 201", "GET operation → 200", "GET operation → 200", $"GET {Group} → 200",
            ]);
        AssertWritesAreIdenticalPutsOnly();
        Assert.Empty(Fake.ContractViolations);
        Assert.True(state.Created);
        Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None));
        Assert.Single(Fake.Identities);
        Assert.Equal(2, Fake.RoleAssignments.Count);
    }

    [Fact]
    public async Task Get_of_an_existing_running_group_of_the_same_build_is_the_only_call_when_create_is_retried_after_success()
    {
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        Fake.ClearCalls();

        var again = await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);

        AssertCalls($"GET {Group} → 200");
        Assert.False(again.Created);
        Assert.Contains(again.ResourceIds, id => id.EndsWith("/containerGroups/coder-" + Ws, StringComparison.Ordinal));
        Assert.Equal("Succeeded", (string?)Fake.Resource("coder-" + Ws)!["properties"]!["provisioningState"]);
    }

    [Fact]
    public void The_official_swagger_schema_accepts_the_official_example_and_rejects_a_body_real_ARM_would_reject()
    {
        var example = OfficialSpecs.Load("ContainerInstance/ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json")["parameters"]!["containerGroup"]!;
        Assert.Empty(Fake.ContainerGroupSchema.Validate(example.ToJsonString()));

        var broken = example.DeepClone();
        broken["properties"]!["containers"]![0]!["properties"]!["resources"]!["requests"]!.AsObject().Remove("cpu");
        broken["properties"]!["volumes"]![0]!["azureFile"]!.AsObject().Remove("shareName");
        broken["identity"]!["type"] = "Magic";
        var errors = Fake.ContainerGroupSchema.Validate(broken.ToJsonString());
        Assert.Contains(errors, e => e.Contains("/resources/requests", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/azureFile", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/identity/type", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_is_POST_stop_start_is_POST_start_polled_to_Succeeded_restart_is_POST_restart_per_official_REST_spec_and_a_new_build_PUTs_the_same_group()
    {
        var spec = Spec(Ws);
        await Provisioner.EnsureAsync(spec, CancellationToken.None);
        Fake.ClearCalls();

        await Provisioner.StopAsync(spec.Workspace, CancellationToken.None);
        AssertCalls($"POST {Group}/stop → 204");
        var stopped = Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None));
        Assert.False(stopped.Running);
        Assert.Equal(0, stopped.RunningReplicas);

        Fake.ClearCalls();
        var started = await Provisioner.StartAsync(spec, CancellationToken.None);
        AssertCalls($"GET {Group} → 200", $"POST {Group}/start → 202", "GET operation → 200", "GET operation → 200");
        Assert.False(started.Created);
        Assert.True(Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None)).Running);

        // A new build (fresh agent token) is a PUT of the same group: still one resource.
        Fake.ClearCalls();
        await Provisioner.StartAsync(Spec(Ws, build: "b2"), CancellationToken.None);
        AssertCalls([$"GET {Group} → 200", $"PUT {Share} → 200", .. Grants(200), $"PUT {Group} → 200", "GET operation → 200", "GET operation → 200", $"GET {Group} → 200"]);
        Assert.Empty(Fake.ContractViolations);
        var item = Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None));
        Assert.Equal("b2", item.BuildId);

        // Restart is POST restart, answered 204 (ContainerGroups_Restart): same group, same build.
        Fake.ClearCalls();
        await Provisioner.RestartAsync(spec.Workspace, CancellationToken.None);
        AssertCalls($"POST {Group}/restart → 204");
        Assert.Equal("b2", Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None)).BuildId);

        // Stopping a missing group changes nothing.
        await Provisioner.StopAsync(new WorkspaceRef("ws-missing0001", "alice"), CancellationToken.None);
    }

    [Fact]
    public async Task Resize_recreates_the_group_on_the_same_share_because_ACI_cannot_resize_in_place_and_says_so()
    {
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        Fake.WriteFile("home-" + Ws, "projects/readme.md", "keep me");
        Fake.ClearCalls();

        var same = await Provisioner.ResizeAsync(Spec(Ws), CancellationToken.None);
        Assert.False(same.Restarted);
        AssertCalls($"GET {Group} → 200");

        Fake.ClearCalls();
        var outcome = await Provisioner.ResizeAsync(Spec(Ws, cpu: 2, memoryMiB: 4096), CancellationToken.None);

        AssertCalls(
        [
            $"GET {Group} → 200",
            $"DELETE {Group} → 202", "GET operation → 200", "GET operation → 200",
            $"PUT {Share} → 200",
            .. Grants(200),
            $"PUT {Group} → 201", "GET operation → 200", "GET operation → 200", $"GET {Group} → 200"
        ]);
        Assert.Empty(Fake.ContractViolations);
        Assert.True(outcome.Restarted);
        Assert.True(outcome.LimitsEnforced);
        Assert.Contains("cannot resize a container group in place", outcome.Note, StringComparison.Ordinal);
        Assert.Contains("same home share home-" + Ws, outcome.Note, StringComparison.Ordinal);
        var requests = Fake.Resource("coder-" + Ws)!["properties"]!["containers"]![0]!["properties"]!["resources"]!["requests"]!;
        Assert.Equal(2.0, (double)requests["cpu"]!);
        Assert.Equal(4.0, (double)requests["memoryInGB"]!);
        Assert.Equal("keep me", System.Text.Encoding.UTF8.GetString(Fake.Share("home-" + Ws)!.Files["projects/readme.md"]!));
    }

    [Fact]
    public async Task Snapshot_is_a_share_snapshot_found_again_on_retry_and_restore_replaces_the_home_share_with_its_files()
    {
        var workspace = Spec(Ws).Workspace;
        string share = "home-" + Ws;
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        Fake.WriteFile(share, "projects/a.txt", "v1");
        Fake.ClearCalls();

        var capture = await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("snap1", null, null), CancellationToken.None);
        AssertCalls("GET shares?$expand=snapshots,metadata → 200", $"PUT {Share}?$expand=snapshots → 201", $"GET {Share}?$expand=stats → 200");
        Assert.Contains($"/{share}?sharesnapshot=", capture.Location, StringComparison.Ordinal);
        Assert.Equal(2, capture.SizeBytes);

        Fake.ClearCalls();
        var again = await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("snap1", null, null), CancellationToken.None);
        AssertCalls("GET shares?$expand=snapshots,metadata → 200", $"GET {Share}?$expand=stats → 200");
        Assert.Equal(capture.Location, again.Location);
        Assert.Single(Fake.Share(share)!.Snapshots);

        Fake.WriteFile(share, "projects/a.txt", "v2");
        Fake.WriteFile(share, "scratch/new.txt", "later");
        Fake.ClearCalls();
        await Provisioner.RestoreAsync(workspace, new RestoreRequest("snap1", capture.Location, null), CancellationToken.None);

        Assert.Equal([$"POST {Group}/stop → 204"], Fake.Calls.Where(c => !c.Short.Contains(" files ", StringComparison.Ordinal)).Select(c => c.Short));
        Assert.Contains(Fake.Calls, c => c.Short == $"PUT files {share}/projects/a.txt copy → 202");
        var files = Fake.Share(share)!.Files;
        Assert.Equal(["projects", "projects/a.txt"], files.Keys);
        Assert.Equal("v1", System.Text.Encoding.UTF8.GetString(files["projects/a.txt"]!));
    }

    /// <summary>
    /// Retention's delete: File Shares - Delete (Microsoft.Storage 2023-05-01) on the home share with the <c>x-ms-snapshot</c>
    /// header (see ../shared/azure-specs/NOTES__storage-share-and-blob-snapshots.md, "Deleting snapshots"). Without the
    /// header the fake answers 409 ShareHasSnapshots, as the service does for a share that has snapshots.
    /// </summary>
    [Fact]
    public async Task Snapshot_delete_removes_that_share_snapshot_only_found_by_location_or_by_its_id_and_a_second_delete_changes_nothing()
    {
        var workspace = Spec(Ws).Workspace;
        string share = "home-" + Ws;
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        var first = await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("snap1", null, null), CancellationToken.None);
        await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("snap2", "snap1", null), CancellationToken.None);
        await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("snap3", "snap2", null), CancellationToken.None);
        Assert.True(Provisioner.Capabilities.SnapshotDelete);
        Fake.ClearCalls();

        await Provisioner.DeleteSnapshotAsync(workspace, "snap1", first.Location, CancellationToken.None);
        AssertCalls($"DELETE {Share} → 200");
        Assert.Equal([Fake.Share(share)!.Snapshots.Keys.ToArray()[0], Fake.Share(share)!.Snapshots.Keys.ToArray()[1]], Fake.Share(share)!.Snapshots.Keys);
        Assert.Equal(["snap2", "snap3"], Fake.Share(share)!.Snapshots.Values.Select(v => v.Metadata["coder_snapshot_id"]));

        // A capture that never recorded its location is found by the snapshot id in its metadata.
        Fake.ClearCalls();
        await Provisioner.DeleteSnapshotAsync(workspace, "snap2", null, CancellationToken.None);
        AssertCalls("GET shares?$expand=snapshots,metadata → 200", $"DELETE {Share} → 200");
        Assert.Equal(["snap3"], Fake.Share(share)!.Snapshots.Values.Select(v => v.Metadata["coder_snapshot_id"]));

        Fake.ClearCalls();
        await Provisioner.DeleteSnapshotAsync(workspace, "snap1", first.Location, CancellationToken.None);
        AssertCalls($"DELETE {Share} → 204");
        Assert.NotNull(Fake.Share(share));
        Assert.Single(Fake.Share(share)!.Snapshots);
    }

    [Fact]
    public async Task Delete_removes_the_group_as_LRO_and_the_share_with_its_snapshots_and_a_second_delete_changes_nothing()
    {
        var workspace = Spec(Ws).Workspace;
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        await Provisioner.SnapshotAsync(workspace, new SnapshotRequest("snap1", null, null), CancellationToken.None);
        Fake.ClearCalls();

        await Provisioner.DestroyAsync(workspace, CancellationToken.None);
        AssertCalls(
            $"DELETE {Group} → 202", "GET operation → 200", "GET operation → 200",
            $"GET {Identity} → 200", $"DELETE roleAssignment on {Share} → 200", "DELETE roleAssignment on queues/agent-events → 200", $"DELETE {Identity} → 200",
            $"DELETE {Share}?$include=snapshots → 200");
        Assert.Null(Fake.Share("home-" + Ws));
        Assert.Empty(Fake.Identities);
        Assert.Empty(Fake.RoleAssignments);
        Assert.Empty(await Provisioner.InventoryAsync(CancellationToken.None));

        Fake.ClearCalls();
        await Provisioner.DestroyAsync(workspace, CancellationToken.None);
        AssertCalls($"DELETE {Group} → 204", $"GET {Identity} → 404", $"DELETE {Share}?$include=snapshots → 204");
    }

    [Fact]
    public async Task Inventory_lists_container_groups_by_the_workspace_tag_with_their_running_containers()
    {
        const string other = "ws-aci0000002";
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        await Provisioner.EnsureAsync(Spec(other, build: "b7", replicas: 2), CancellationToken.None);
        await Provisioner.StopAsync(new WorkspaceRef(Ws, "alice"), CancellationToken.None);
        Fake.ClearCalls();

        var items = (await Provisioner.InventoryAsync(CancellationToken.None)).OrderBy(i => i.WorkspaceId, StringComparer.Ordinal).ToList();

        AssertCalls("GET resources → 200", $"GET {Group} → 200", $"GET containerGroups/coder-{other} → 200");
        Assert.Equal("tagName eq 'coder-workspace-id' and resourceType eq 'Microsoft.ContainerInstance/containerGroups'",
            System.Web.HttpUtility.ParseQueryString(Fake.Calls[0].Query)["$filter"]);
        Assert.Equal(2, items.Count);
        Assert.Equal((Ws, false, 0, "b1"), (items[0].WorkspaceId, items[0].Running, items[0].RunningReplicas, items[0].BuildId));
        Assert.Equal((other, true, 2, "b7"), (items[1].WorkspaceId, items[1].Running, items[1].RunningReplicas, items[1].BuildId));
        Assert.Equal("py@3", items[1].Tags["coder-template-version"]);
        Assert.All(items, i => Assert.Equal("aci", i.Provisioner));
    }

    [Fact]
    public async Task Find_is_one_GET_of_the_container_group_whatever_else_the_group_holds()
    {
        const string other = "ws-aci0000002";
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        await Provisioner.EnsureAsync(Spec(other, build: "b7", replicas: 2), CancellationToken.None);
        Fake.ClearCalls();

        var found = await Provisioner.FindAsync(new WorkspaceRef(other, "alice"), CancellationToken.None);

        AssertCalls($"GET containerGroups/coder-{other} → 200");
        Assert.NotNull(found);
        Assert.Equal((other, true, 2, "b7", "aci"), (found.WorkspaceId, found.Running, found.RunningReplicas, found.BuildId, found.Provisioner));
        Assert.Equal("py@3", found.Tags["coder-template-version"]);
        var listed = (await Provisioner.InventoryAsync(CancellationToken.None)).Single(i => i.WorkspaceId == other);
        Assert.Equal((listed.ResourceId, listed.Running, listed.RunningReplicas, listed.BuildId), (found.ResourceId, found.Running, found.RunningReplicas, found.BuildId));

        await Provisioner.StopAsync(new WorkspaceRef(Ws, "alice"), CancellationToken.None);
        Fake.ClearCalls();
        var stopped = await Provisioner.FindAsync(new WorkspaceRef(Ws, "alice"), CancellationToken.None);
        AssertCalls($"GET {Group} → 200");
        Assert.Equal((false, 0, "b1"), (stopped!.Running, stopped.RunningReplicas, stopped.BuildId));

        Fake.ClearCalls();
        Assert.Null(await Provisioner.FindAsync(new WorkspaceRef("ws-aci0000009", "alice"), CancellationToken.None));
        AssertCalls("GET containerGroups/coder-ws-aci0000009 → 404");

        // An ACI workspace has one compute instance; a second one (a blue-green green) never exists.
        Fake.ClearCalls();
        Assert.Null(await Provisioner.FindAsync(new WorkspaceRef(Ws, "alice", "g1"), CancellationToken.None));
        Assert.Empty(Fake.Calls);
    }
}
