namespace Coder.Provisioning.Tests.Orchestrations;

[Collection(SecondStorageCollection.Name)]
public sealed class VmProvisionerOrchestrationTests(TestStorage storage) : AzureProvisionerOrchestrationScenario(storage)
{
    [Fact]
    public Task Provision_scale_snapshot_and_delete_orchestrations_against_the_official_ARM_contract_end_running_resized_with_a_ready_snapshot_then_gone() =>
        RunAsync("vm", "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest");
}
