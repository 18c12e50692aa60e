using System.Text.Json.Nodes;
using Coder.Contracts.Agents;
using Coder.Orchestrations.Snapshots;

namespace Coder.Provisioning.Tests.Orchestrations;

/// <summary>
/// The real provision, scale, snapshot (and delete) orchestrations, on the local host's durable engine (Azurite), with a template
/// whose provisioner is aci or vm and ARM played by the fake that answers per the official REST contracts. No agent runs
/// in a container or VM here: <see cref="AgentStandIn"/> reports the agent's lifecycle through the real ingest path
/// (POST /api/agent/events) with the token and agent id the provisioner delivered to the platform.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class AzureProvisionerOrchestrationTests(TestStorage storage)
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("aci", "mcr.microsoft.com/devcontainers/base:ubuntu")]
    [InlineData("vm", "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest")]
    public async Task Provision_scale_snapshot_and_delete_orchestrations_against_the_official_ARM_contract_end_running_resized_with_a_ready_snapshot_then_gone(string provisioner, string image)
    {
        await using var host = await AzureLocalHost.StartAsync(storage.ConnectionString);
        var fake = host.Fake;
        string template = "py-" + provisioner;
        await host.SendAsync(HttpMethod.Post, "/api/templates", $$"""
            {
              "name": "{{template}}", "provisioner": "{{provisioner}}", "image": "{{image}}",
              "resources": { "cpu": 1, "memoryMiB": 2048, "diskGiB": 16 },
              "limits": { "maxCpu": 4, "maxMemoryMiB": 16384, "maxReplicas": 1 },
              "snapshots": { "keepLast": 1 },
              "agent": { "readyTimeoutSeconds": 60 }
            }
            """, 201);

        // Provision: the platform gets the agent's environment; the agent reports starting, then ready.
        var created = await host.SendAsync(HttpMethod.Post, "/api/workspaces", $$"""{"name":"dev","template":"{{template}}"}""", 202);
        string id = (string)created["id"]!;
        string agentEnvironment = provisioner == "aci" ? $"/containerGroups/coder-{id}" : $"/virtualMachines/coder-{id}/extensions/coder-agent-env";
        await Eventually.WaitAsync(() => AgentStandIn.HasEnvironment(fake, agentEnvironment), Timeout, "the provisioner to hand the agent's environment to ARM");
        var agent = provisioner == "aci" ? AgentStandIn.FromContainerGroup(fake, id) : AgentStandIn.FromVmExtension(fake, id);
        Assert.Equal(host.BaseUrl, agent.Environment["CODER_URL"]);
        Assert.Equal("http", agent.Environment["CODER_AGENT_TRANSPORT"]);
        Assert.Equal(id, agent.Environment["CODER_WORKSPACE_ID"]);
        // The agent signs in as its workspace's own identity, which holds its home share only (aci) or nothing (vm, http transport).
        var identity = Assert.Single(fake.Identities).Value;
        Assert.Equal((string?)identity["properties"]!["clientId"], agent.Environment["AZURE_CLIENT_ID"]);
        Assert.Equal(provisioner == "aci" ? new[] { $"/shares/home-{id}" } : [],
            fake.RoleAssignments.Select(a => a.Scope[a.Scope.LastIndexOf("/shares/", StringComparison.Ordinal)..]));
        Assert.All(fake.RoleAssignments, a => Assert.Equal((string?)identity["properties"]!["principalId"], a.PrincipalId));
        await agent.ReportAsync(AgentLifecycle.Starting, AgentLifecycle.Ready);
        await host.WaitForOperationAsync((string)created["operation"]!["id"]!, Timeout);

        var workspace = await host.GetAsync($"/api/workspaces/{id}");
        Assert.Equal(("running", "ready"), ((string?)workspace["status"], (string?)workspace["agent"]!["lifecycle"]));
        string resource = provisioner == "aci" ? $"/containerGroups/coder-{id}" : $"/virtualMachines/coder-{id}";
        Assert.Equal(id, (string?)fake.Resource(resource)!["tags"]!["coder-workspace-id"]);
        Assert.Equal("Succeeded", (string?)fake.Resource(resource)!["properties"]!["provisioningState"]);

        // Scale: ACI recreates the group on the same share; the VM is deallocated, resized and started.
        fake.ClearCalls();
        var scale = await host.SendAsync(HttpMethod.Patch, $"/api/workspaces/{id}", """{"size":{"cpu":4,"memoryMiB":16384}}""", 202);
        await host.WaitForOperationAsync((string)scale["operation"]!["id"]!, Timeout);
        string[] writes = fake.Calls.Where(c => c.Method != "GET").Select(c => c.Short).ToArray();
        if (provisioner == "aci")
        {
            Assert.Equal(
                [
                    $"DELETE containerGroups/coder-{id} → 202", $"PUT shares/home-{id} → 200",
                    $"PUT userAssignedIdentities/id-{id} → 200", $"PUT roleAssignment on shares/home-{id} → 200", $"PUT containerGroups/coder-{id} → 201",
                ], writes);
            var requests = fake.Resource(resource)!["properties"]!["containers"]![0]!["properties"]!["resources"]!["requests"]!;
            Assert.Equal((4.0, 16.0), ((double)requests["cpu"]!, (double)requests["memoryInGB"]!));
        }
        else
        {
            Assert.Equal([$"POST virtualMachines/coder-{id}/deallocate → 202", $"PATCH virtualMachines/coder-{id} → 200", $"POST virtualMachines/coder-{id}/start → 202"], writes);
            Assert.Equal("Standard_D4s_v5", (string?)fake.Resource(resource)!["properties"]!["hardwareProfile"]!["vmSize"]);
            Assert.Equal("running", fake.PowerState("coder-" + id));
        }

        workspace = await host.GetAsync($"/api/workspaces/{id}");
        Assert.Equal("running", (string?)workspace["status"]);
        Assert.Equal((4.0, 16384), ((double)workspace["size"]!["cpu"]!, (int)workspace["size"]!["memoryMiB"]!));

        // Snapshot: a share snapshot (aci) or a managed-disk snapshot of the data disk (vm), then a ready row.
        fake.ClearCalls();
        var snapshot = await host.SendAsync(HttpMethod.Post, $"/api/workspaces/{id}/snapshots", """{"label":"nightly"}""", 202);
        string snapshotId = (string)snapshot["snapshotId"]!;
        await host.WaitForOperationAsync((string)snapshot["operation"]!["id"]!, Timeout);
        writes = fake.Calls.Where(c => c.Method != "GET").Select(c => c.Short).ToArray();
        if (provisioner == "aci")
        {
            Assert.Equal([$"PUT shares/home-{id}?$expand=snapshots → 201"], writes);
            Assert.Single(fake.Share("home-" + id)!.Snapshots);
        }
        else
        {
            Assert.Equal([$"PUT snapshots/snap-{snapshotId} → 202"], writes);
            Assert.Equal("Succeeded", (string?)fake.Resource($"/snapshots/snap-{snapshotId}")!["properties"]!["provisioningState"]);
        }

        var snapshots = (await host.GetAsync($"/api/workspaces/{id}/snapshots"))["items"]!.AsArray();
        var taken = Assert.Single(snapshots, s => (string?)s!["id"] == snapshotId)!;
        Assert.Equal(("ready", "nightly"), ((string?)taken["status"], (string?)taken["label"]));
        workspace = await host.GetAsync($"/api/workspaces/{id}");
        Assert.Equal("running", (string?)workspace["status"]);

        // The timeline tells the story in order (it is served newest first). The agent may report before the
        // orchestration records that it waits for it, so those two are checked apart.
        var timeline = (await host.GetAsync($"/api/workspaces/{id}/events"))["items"]!.AsArray().Reverse().ToList();
        var kinds = timeline.Select(e => (string)e!["kind"]!).ToList();
        Assert.True(IsSubsequence(["workspace.created", "provision.started", "agent.starting", "agent.ready", "provision.succeeded",
                "scale.started", "scale.applied", "scale.succeeded", "snapshot.started", "snapshot.succeeded"], kinds),
            "Timeline: " + string.Join(", ", kinds));
        Assert.True(IsSubsequence(["provision.started", "provision.agent-starting", "provision.succeeded"], kinds), "Timeline: " + string.Join(", ", kinds));
        string applied = (string)timeline.Single(e => (string?)e!["kind"] == "scale.applied")!["message"]!;
        Assert.Contains(provisioner == "aci" ? "ACI cannot resize a container group in place" : "deallocated, changed and started", applied, StringComparison.Ordinal);
        Assert.Contains($"Snapshot {snapshotId} is ready", (string)timeline.Single(e => (string?)e!["kind"] == "snapshot.succeeded")!["message"]!, StringComparison.Ordinal);

        // Retention (keepLast 1): after a second snapshot the first expires and is deleted on the platform, not only its row.
        var second = await host.SendAsync(HttpMethod.Post, $"/api/workspaces/{id}/snapshots", """{"label":"second"}""", 202);
        string secondId = (string)second["snapshotId"]!;
        await host.WaitForOperationAsync((string)second["operation"]!["id"]!, Timeout);
        // The host's minute timer runs retention too, so the platform's state is what is asserted, whichever run got there.
        await host.Service<SnapshotRetentionRunner>().RunAsync(CancellationToken.None);
        if (provisioner == "aci")
        {
            Assert.Contains(fake.Calls, c => c.Short == $"DELETE shares/home-{id} → 200");
            Assert.Equal([secondId], fake.Share("home-" + id)!.Snapshots.Values.Select(v => v.Metadata["coder_snapshot_id"]));
        }
        else
        {
            Assert.Contains(fake.Calls, c => c.Short == $"DELETE snapshots/snap-{snapshotId} → 202");
            Assert.Null(fake.Resource($"/snapshots/snap-{snapshotId}"));
            Assert.NotNull(fake.Resource($"/snapshots/snap-{secondId}"));
        }

        Assert.Equal([secondId], (await host.GetAsync($"/api/workspaces/{id}/snapshots"))["items"]!.AsArray().Select(s => (string)s!["id"]!));

        // Delete: the compute and its home storage are gone from ARM, and the workspace from the API.
        var deleted = await host.SendAsync(HttpMethod.Delete, $"/api/workspaces/{id}", null, 202);
        await host.WaitForOperationAsync((string)deleted["operation"]!["id"]!, Timeout);
        await host.SendAsync(HttpMethod.Get, $"/api/workspaces/{id}", null, 404);
        Assert.Null(fake.Resource(resource));
        if (provisioner == "aci") Assert.Null(fake.Share("home-" + id));
        else Assert.True(fake.Resource($"/disks/data-{id}") is null && fake.Resource($"/networkInterfaces/nic-{id}") is null, "The VM's data disk and NIC must be deleted.");
        Assert.Empty(fake.Identities);
        Assert.Empty(fake.RoleAssignments);
    }

    static bool IsSubsequence(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        int i = 0;
        foreach (string kind in actual)
        {
            if (i < expected.Count && kind == expected[i]) i++;
        }

        return i == expected.Count;
    }
}
