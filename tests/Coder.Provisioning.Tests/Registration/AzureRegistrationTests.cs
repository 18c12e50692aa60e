using Coder.Orchestrations.Common;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.Azure;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Coder.Provisioning.Tests.Registration;

public sealed class AzureRegistrationTests
{
    static ProvisionerRegistry Registry(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        // What every host registers besides: the one Azure credential, and where agents are published (the Functions
        // app's blob store; never called here).
        services.AddCoderAzureCredential();
        services.AddSingleton<IAgentBinaryStore>(sp => new BlobAgentBinaryStore(new StorageClientFactory(Options.Create(new CoderStorageOptions()), sp)));
        services.AddCoderAzureProvisioners();
        return new ProvisionerRegistry(services.BuildServiceProvider().ConfiguredAzureProvisioners());
    }

    [Fact]
    public void Without_Azure_settings_aci_and_vm_are_refused_with_a_400_that_names_the_settings()
    {
        var registry = Registry([]);
        foreach (string name in new[] { "aci", "vm" })
        {
            Assert.False(registry.IsAvailable(name));
            var e = Assert.Throws<CoderProblemException>(() => registry.Get(name));
            Assert.Equal(400, e.Status);
            Assert.Contains("Coder:Azure", e.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void With_subscription_group_and_location_both_Azure_provisioners_are_registered()
    {
        var registry = Registry(new()
        {
            ["Coder:Azure:SubscriptionId"] = "00000000-0000-0000-0000-000000000001",
            ["Coder:Azure:ResourceGroup"] = "rg-ws",
            ["Coder:Azure:Location"] = "westeurope",
        });
        Assert.Equal("aci", registry.Get("aci").Name);
        Assert.Equal("vm", registry.Get("vm").Name);
    }
}
