using Coder.Contracts.Agents;
using Coder.Orchestrations.Reconciliation;
using Microsoft.DurableTask.Client;

namespace Coder.Provisioning.Tests.Orchestrations;

/// <summary>
/// Size drift repaired on aci and vm by the real reconciler on the local host's durable engine, against the fake ARM:
/// a size changed outside the platform (a container group's memoryInGB, a VM's vmSize) is seen in the provisioner's GET,
/// planned as <c>size_drift</c>, and restored by the scale orchestration to the declared size, with both sizes on the
/// timeline. ACI's own rounding of the same size plans nothing.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class AzureSizeDriftOrchestrationTests(TestStorage storage)
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("aci", "mcr.microsoft.com/devcontainers/base:ubuntu", 1, 1536)]
    [InlineData("vm", "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest", 2, 4096)]
    public async Task A_size_changed_outside_is_restored_by_the_reconciler_with_a_size_drift_timeline_reason(string provisioner, string image, double cpu, int memoryMiB)
    {
        await using var host = await AzureLocalHost.StartAsync(storage.ConnectionString);
        var fake = host.Fake;
        string template = "drift-" + provisioner;
        await host.SendAsync(HttpMethod.Post, "/api/templates", $$"""
            {
              "name": "{{template}}", "provisioner": "{{provisioner}}", "image": "{{image}}",
              "resources": { "cpu": {{cpu}}, "memoryMiB": {{memoryMiB}}, "diskGiB": 16 },
              "limits": { "maxCpu": 4, "maxMemoryMiB": 16384, "maxReplicas": 1 },
              "agent": { "readyTimeoutSeconds": 60 }
            }
            """, 201);
        var created = await host.SendAsync(HttpMethod.Post, "/api/workspaces", $$"""{"name":"dev","template":"{{template}}"}""", 202);
        string id = (string)created["id"]!;
        string resource = provisioner == "aci" ? $"/containerGroups/coder-{id}" : $"/virtualMachines/coder-{id}";
        string agentEnvironment = provisioner == "aci" ? resource : $"{resource}/extensions/coder-agent-env";
        await Eventually.WaitAsync(() => AgentStandIn.HasEnvironment(fake, agentEnvironment), Timeout, "the provisioner to hand the agent's environment to ARM");
        var agent = provisioner == "aci" ? AgentStandIn.FromContainerGroup(fake, id) : AgentStandIn.FromVmExtension(fake, id);
        await agent.ReportAsync(AgentLifecycle.Starting, AgentLifecycle.Ready);
        await host.WaitForOperationAsync((string)created["operation"]!["id"]!, Timeout);

        // Only size actions are asserted: the stand-in agent reported ready once and sends no heartbeats, so a slow run
        // (a CI run took 18 s) may also plan marking it disconnected.
        var reconciler = host.Service<ReconcilerService>();
        var client = host.Service<DurableTaskClient>();
        Assert.DoesNotContain((await reconciler.ReconcileWorkspaceAsync(id, "test", client, CancellationToken.None)).Planned, a => a.Kind == ReconcileActionKind.RestoreSize);
        if (provisioner == "aci")
        {
            // ACI reports the 1.5 GiB it was sent as 1.6 GB: its own rounding, not drift.
            SetMemoryInGb(fake, resource, 1.6);
            Assert.DoesNotContain((await reconciler.ReconcileWorkspaceAsync(id, "test", client, CancellationToken.None)).Planned, a => a.Kind == ReconcileActionKind.RestoreSize);
        }

        // Someone changes the size behind the platform's back.
        if (provisioner == "aci") SetMemoryInGb(fake, resource, 3.0);
        else fake.ChangeOutside(resource, vm => vm["properties"]!["hardwareProfile"]!["vmSize"] = "Standard_D4s_v5");
        var outcome = await reconciler.ReconcileWorkspaceAsync(id, "test", client, CancellationToken.None);

        var taken = Assert.Single(outcome.Taken);
        Assert.Equal((ReconcileActionKind.RestoreSize, ReconcileReasons.SizeDrift), (taken.Kind, taken.Reason));
        await Eventually.WaitAsync(() => host.GetAsync($"/api/workspaces/{id}"), w => w["operation"] is null && (string?)w["status"] == "running", Timeout,
            "the scale that restores the declared size to finish");

        if (provisioner == "aci")
        {
            var requests = fake.Resource(resource)!["properties"]!["containers"]![0]!["properties"]!["resources"]!["requests"]!;
            Assert.Equal((1.0, 1.5), ((double)requests["cpu"]!, (double)requests["memoryInGB"]!));
            Assert.Empty(fake.ContractViolations);
        }
        else
        {
            Assert.Equal("Standard_B2s", (string?)fake.Resource(resource)!["properties"]!["hardwareProfile"]!["vmSize"]);
        }

        var events = (await host.GetAsync($"/api/workspaces/{id}/events?max=1000"))["items"]!.AsArray();
        var decision = Assert.Single(events, e => (string?)e!["kind"] == "reconcile.restore_size")!;
        Assert.Equal("size_drift", (string?)decision["reason"]);
        string observed = provisioner == "aci" ? "cpu 1, memoryInGB 3 (1 CPU, 3072 MiB)" : "Standard_D4s_v5 (4 CPU, 16384 MiB)";
        Assert.Contains($"runs with {observed}, but the workspace declares {cpu} CPU, {memoryMiB} MiB per unit on {provisioner}", (string?)decision["message"], StringComparison.Ordinal);
        Assert.Contains(events, e => (string?)e!["kind"] == "scale.succeeded" && (string?)e["reason"] == "size_drift");
        var workspace = await host.GetAsync($"/api/workspaces/{id}");
        Assert.Equal((cpu, memoryMiB), ((double)workspace["size"]!["cpu"]!, (int)workspace["size"]!["memoryMiB"]!));
        Assert.DoesNotContain((await reconciler.ReconcileWorkspaceAsync(id, "test", client, CancellationToken.None)).Planned, a => a.Kind == ReconcileActionKind.RestoreSize);
    }

    static void SetMemoryInGb(FakeArm.FakeArmServer fake, string group, double memoryInGb) =>
        fake.ChangeOutside(group, g => g["properties"]!["containers"]![0]!["properties"]!["resources"]!["requests"]!["memoryInGB"] = memoryInGb);
}
