namespace Coder.Provisioning.Tests.Orchestrations;

[Collection(StorageCollection.Name)]
public sealed class AciProvisionerOrchestrationTests(TestStorage storage) : AzureProvisionerOrchestrationScenario(storage)
{
    [Fact]
    public Task Provision_scale_snapshot_and_delete_orchestrations_against_the_official_ARM_contract_end_running_resized_with_a_ready_snapshot_then_gone() =>
        RunAsync("aci", "mcr.microsoft.com/devcontainers/base:ubuntu");
}
