using Azure.Core;
using Azure.Core.Pipeline;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Orchestrations.Provisioning.VirtualMachines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Provisioning.Azure;

public static class AzureProvisionerServiceCollectionExtensions
{
    /// <summary>
    /// The <c>aci</c> and <c>vm</c> provisioners. They join the registry only when <c>Coder:Azure</c> names a
    /// subscription, resource group and location; otherwise a template asking for them fails with a clear 400.
    /// They sign in with the registered <see cref="TokenCredential"/> (AddCoderAzureCredential); a credential or
    /// <see cref="HttpPipelineTransport"/> the host registers first replaces it or the transport (contract tests point them at a fake ARM).
    /// </summary>
    public static IServiceCollection AddCoderAzureProvisioners(this IServiceCollection services)
    {
        services.TryBindOptions<AzureProvisioningOptions>(AzureProvisioningOptions.Section);
        services.TryAddSingleton(sp => new AzureClients(
            sp.GetRequiredService<IOptions<AzureProvisioningOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<TokenCredential>(),
            sp.GetService<HttpPipelineTransport>()));
        services.TryAddSingleton<AgentDownloads>();
        services.TryAddSingleton<ContainerInstanceProvisioner>();
        services.TryAddSingleton<VirtualMachineProvisioner>();
        return services;
    }

    /// <summary>The Azure provisioners that are configured, for the registry.</summary>
    public static IEnumerable<IWorkspaceProvisioner> ConfiguredAzureProvisioners(this IServiceProvider services)
    {
        if (!services.GetRequiredService<IOptions<AzureProvisioningOptions>>().Value.IsConfigured) yield break;
        yield return services.GetRequiredService<ContainerInstanceProvisioner>();
        yield return services.GetRequiredService<VirtualMachineProvisioner>();
    }
}
