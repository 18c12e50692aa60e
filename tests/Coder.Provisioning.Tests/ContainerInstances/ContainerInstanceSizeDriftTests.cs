using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Orchestrations.Reconciliation;
using Coder.Provisioning.Tests.FakeArm;
using Coder.Provisioning.Tests.SizeDrift;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Provisioning.Tests.ContainerInstances;

/// <summary>
/// Size drift on aci through the real SDK against the fake ARM: the observed size comes from Container Groups - Get
/// (Specs/ContainerInstance/containerInstance.json, api-version 2026-05-01,
/// https://learn.microsoft.com/rest/api/container-instances/container-groups/get), the planner judges it, and the
/// restore is the provisioner's resize, whose Container Groups - Create Or Update body the fake validates against the
/// same swagger (https://learn.microsoft.com/rest/api/container-instances/container-groups/create-or-update).
/// </summary>
public sealed class ContainerInstanceSizeDriftTests : ArmContractTest
{
    const string Ws = "ws-acidrift01";
    const string Group = "/containerGroups/coder-" + Ws;

    ContainerInstanceProvisioner Provisioner => new(Azure, Agent.Downloads, NullLogger<ContainerInstanceProvisioner>.Instance);

    static WorkspaceRef Ref => new(Ws, "alice");

    void ReportMemory(int container, double memoryInGb) =>
        Fake.ChangeOutside(Group, g => g["properties"]!["containers"]![container]!["properties"]!["resources"]!["requests"]!["memoryInGB"] = memoryInGb);

    [Fact]
    public async Task Each_running_containers_size_is_observed_from_the_GET_and_ACIs_own_rounding_is_neither_drift_nor_a_recreate()
    {
        await Provisioner.EnsureAsync(Spec(Ws, cpu: 1, memoryMiB: 1536, replicas: 2), CancellationToken.None);

        var found = (await Provisioner.FindAsync(Ref, CancellationToken.None))!;
        Assert.Equal([(0, 1.0, 1536L), (1, 1.0, 1536L)], found.UnitSizes!.Select(u => (u.Replica, u.Cpu!.Value, u.MemoryMiB!.Value)));
        Assert.Null(DriftPlan.For(found, 1, 1536, replicas: 2));
        var listed = Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None));
        Assert.Equal(found.UnitSizes, listed.UnitSizes);

        // ACI reports the 1.5 GiB it was sent as 1.6 GB: the declared size all the same.
        ReportMemory(0, 1.6);
        ReportMemory(1, 1.6);
        var rounded = (await Provisioner.FindAsync(Ref, CancellationToken.None))!;
        Assert.Equal("cpu 1, memoryInGB 1.6", rounded.UnitSizes![0].PlatformSize);
        Assert.Null(DriftPlan.For(rounded, 1, 1536, replicas: 2));
        Fake.ClearCalls();
        var outcome = await Provisioner.ResizeAsync(Spec(Ws, cpu: 1, memoryMiB: 1536, replicas: 2), CancellationToken.None);
        Assert.False(outcome.Restarted);
        AssertCalls($"GET containerGroups/coder-{Ws} → 200");

        // A stopped group runs no units, so it has no sizes to judge.
        await Provisioner.StopAsync(Ref, CancellationToken.None);
        Assert.Null((await Provisioner.FindAsync(Ref, CancellationToken.None))!.UnitSizes);
    }

    [Fact]
    public async Task Memory_changed_outside_is_size_drift_and_the_restore_recreates_the_group_with_the_declared_resources_per_the_swagger()
    {
        await Provisioner.EnsureAsync(Spec(Ws, cpu: 1, memoryMiB: 1536), CancellationToken.None);
        ReportMemory(0, 3.0);

        var drifted = (await Provisioner.FindAsync(Ref, CancellationToken.None))!;
        var action = DriftPlan.For(drifted, 1, 1536);

        Assert.NotNull(action);
        Assert.Equal((ReconcileActionKind.RestoreSize, ReconcileReasons.SizeDrift), (action.Kind, action.Reason));
        Assert.Equal("Restoring the declared size: replica 0 runs with cpu 1, memoryInGB 3 (1 CPU, 3072 MiB), but the workspace declares 1 CPU, 1536 MiB per unit on aci.", action.Message);

        // The reconciler restores through a scale operation to the declared size, whose activity calls ResizeAsync.
        Fake.ClearCalls();
        var outcome = await Provisioner.ResizeAsync(Spec(Ws, cpu: 1, memoryMiB: 1536), CancellationToken.None);

        Assert.True(outcome.Restarted);
        Assert.Contains(Fake.Calls, c => c.Short == $"DELETE containerGroups/coder-{Ws} → 202");
        var put = Fake.Calls.Last(c => c.Method == "PUT" && c.Path.EndsWith("coder-" + Ws, StringComparison.Ordinal));
        Assert.Empty(Fake.ContractViolations);
        var requests = JsonNode.Parse(put.Body!)!["properties"]!["containers"]![0]!["properties"]!["resources"]!["requests"]!;
        Assert.Equal((1.0, 1.5), ((double)requests["cpu"]!, (double)requests["memoryInGB"]!));
        Assert.Null(DriftPlan.For((await Provisioner.FindAsync(Ref, CancellationToken.None))!, 1, 1536));
    }

    [Fact]
    public async Task A_group_whose_GET_reports_no_resources_is_unknown_and_never_drift()
    {
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        Fake.ChangeOutside(Group, g => g["properties"]!["containers"]![0]!["properties"]!.AsObject().Remove("resources"));

        var found = (await Provisioner.FindAsync(Ref, CancellationToken.None))!;

        Assert.True(found.Running);
        Assert.Null(found.UnitSizes);
        Assert.Null(DriftPlan.For(found, 1, 2048));
    }
}
