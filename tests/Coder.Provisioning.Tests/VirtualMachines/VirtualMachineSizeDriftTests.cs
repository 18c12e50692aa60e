using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.VirtualMachines;
using Coder.Orchestrations.Reconciliation;
using Coder.Provisioning.Tests.FakeArm;
using Coder.Provisioning.Tests.SizeDrift;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Provisioning.Tests.VirtualMachines;

/// <summary>
/// Size drift on vm through Azure.ResourceManager.Compute against the fake ARM: the observed size is
/// <c>properties.hardwareProfile.vmSize</c> of Virtual Machines - Get (https://learn.microsoft.com/rest/api/compute/virtual-machines/get),
/// mapped back through the provisioner's size table; the restore is Virtual Machines - Update
/// (https://learn.microsoft.com/rest/api/compute/virtual-machines/update), whose PATCH body is validated against
/// VirtualMachineUpdate of Specs/Compute/virtualMachine.2023-03-01.resize-excerpt.json (virtualMachine.json and
/// computeRPCommon.json, Compute RP 2023-03-01) and compared with the official PATCH example
/// Specs/Compute/VirtualMachine_Update_DetachDataDiskUsingToBeDetachedProperty.json.
/// </summary>
public sealed class VirtualMachineSizeDriftTests : ArmContractTest
{
    const string Ws = "ws-vmdrift001";
    const string Vm = "/virtualMachines/coder-" + Ws;
    const string Image = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest";
    const string UpdateExample = "Compute/VirtualMachine_Update_DetachDataDiskUsingToBeDetachedProperty.json";

    static readonly SwaggerSchemaValidator UpdateSchema = new(OfficialSpecs.Load("Compute/virtualMachine.2023-03-01.resize-excerpt.json"), "VirtualMachineUpdate");

    VirtualMachineProvisioner Provisioner => new(Azure, Agent.Downloads, NullLogger<VirtualMachineProvisioner>.Instance);

    static WorkspaceRef Ref => new(Ws, "alice");

    void SetVmSizeOutside(string vmSize) => Fake.ChangeOutside(Vm, vm => vm["properties"]!["hardwareProfile"]!["vmSize"] = vmSize);

    [Fact]
    public async Task The_vmSize_of_the_GET_is_the_observed_size_and_any_declared_size_that_maps_to_it_is_no_drift()
    {
        await Provisioner.EnsureAsync(Spec(Ws, cpu: 2, memoryMiB: 4096, image: Image), CancellationToken.None);

        var found = (await Provisioner.FindAsync(Ref, CancellationToken.None))!;

        var unit = Assert.Single(found.UnitSizes!);
        Assert.Equal((0, "Standard_B2s", 2.0, 4096L), (unit.Replica, unit.PlatformSize, unit.Cpu!.Value, unit.MemoryMiB!.Value));
        Assert.Null(DriftPlan.For(found, 2, 4096));
        // The table maps many sizes to one VM size: 1.5 CPU and 3000 MiB are served by Standard_B2s too.
        Assert.Null(DriftPlan.For(found, 1.5, 3000));
        Assert.NotNull(DriftPlan.For(found, 1, 2048));
        Assert.Equal(found.UnitSizes, Assert.Single(await Provisioner.InventoryAsync(CancellationToken.None)).UnitSizes);

        // ARM compares size names case-insensitively.
        SetVmSizeOutside("standard_b2s");
        Assert.Null(DriftPlan.For((await Provisioner.FindAsync(Ref, CancellationToken.None))!, 2, 4096));
    }

    [Fact]
    public async Task A_vmSize_changed_outside_is_drift_and_the_restore_is_a_spec_conformant_PATCH_back_to_the_declared_size()
    {
        await Provisioner.EnsureAsync(Spec(Ws, cpu: 2, memoryMiB: 4096, image: Image), CancellationToken.None);
        SetVmSizeOutside("Standard_D4s_v5");

        var drifted = (await Provisioner.FindAsync(Ref, CancellationToken.None))!;
        var action = DriftPlan.For(drifted, 2, 4096);

        Assert.NotNull(action);
        Assert.Equal((ReconcileActionKind.RestoreSize, ReconcileReasons.SizeDrift), (action.Kind, action.Reason));
        Assert.Equal("Restoring the declared size: replica 0 runs with Standard_D4s_v5 (4 CPU, 16384 MiB), but the workspace declares 2 CPU, 4096 MiB per unit on vm.", action.Message);

        // The reconciler restores through a scale operation to the declared size, whose activity calls ResizeAsync.
        Fake.ClearCalls();
        var outcome = await Provisioner.ResizeAsync(Spec(Ws, cpu: 2, memoryMiB: 4096, image: Image), CancellationToken.None);

        Assert.True(outcome.Restarted);
        var patch = Fake.Calls.Single(c => c.Method == "PATCH");
        Assert.Equal("""{"properties":{"hardwareProfile":{"vmSize":"Standard_B2s"}}}""", patch.Body);
        Assert.Empty(UpdateSchema.Validate(patch.Body!));
        // The same shape as the official PATCH example's hardwareProfile (the only VirtualMachines_Update example that sends a vmSize).
        var example = OfficialSpecs.Load(UpdateExample)["parameters"]!["parameters"]!;
        Assert.Empty(UpdateSchema.Validate(example.ToJsonString()));
        Assert.Equal(example["properties"]!["hardwareProfile"]!.AsObject().Select(p => p.Key), JsonNode.Parse(patch.Body!)!["properties"]!["hardwareProfile"]!.AsObject().Select(p => p.Key));
        Assert.Null(DriftPlan.For((await Provisioner.FindAsync(Ref, CancellationToken.None))!, 2, 4096));
    }

    [Fact]
    public async Task A_vmSize_the_table_does_not_hold_is_drift_back_to_the_declared_size()
    {
        await Provisioner.EnsureAsync(Spec(Ws, cpu: 2, memoryMiB: 4096, image: Image), CancellationToken.None);
        SetVmSizeOutside("Standard_NC6");

        var action = DriftPlan.For((await Provisioner.FindAsync(Ref, CancellationToken.None))!, 2, 4096);

        Assert.Equal(ReconcileReasons.SizeDrift, action?.Reason);
        Assert.Contains("replica 0 runs with Standard_NC6 (a size this provisioner does not map)", action!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_VM_whose_GET_reports_no_vmSize_is_unknown_and_never_drift()
    {
        await Provisioner.EnsureAsync(Spec(Ws, cpu: 2, memoryMiB: 4096, image: Image), CancellationToken.None);
        Fake.ChangeOutside(Vm, vm => vm["properties"]!.AsObject().Remove("hardwareProfile"));

        var found = (await Provisioner.FindAsync(Ref, CancellationToken.None))!;

        Assert.True(found.Running);
        Assert.Null(found.UnitSizes);
        Assert.Null(DriftPlan.For(found, 2, 4096));

        // A deallocated VM runs no unit, so it has no size to judge.
        Fake.ChangeOutside(Vm, vm => vm["properties"]!["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_D4s_v5" });
        await Provisioner.StopAsync(Ref, CancellationToken.None);
        Assert.Null((await Provisioner.FindAsync(Ref, CancellationToken.None))!.UnitSizes);
    }

    [Fact]
    public void The_resize_schema_rejects_a_vmSize_that_is_not_a_string()
    {
        Assert.NotEmpty(UpdateSchema.Validate("""{"properties":{"hardwareProfile":{"vmSize":4}}}"""));
    }
}
