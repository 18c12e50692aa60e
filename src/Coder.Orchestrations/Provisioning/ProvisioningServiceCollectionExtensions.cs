using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning.Azure;
using Coder.Orchestrations.Provisioning.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Provisioning;

public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>The local provisioner (<c>Coder:Local</c>), the Azure ones when configured, and the registry that names them.</summary>
    public static IServiceCollection AddCoderProvisioning(this IServiceCollection services)
    {
        services.TryBindOptions<LocalProvisionerOptions>(LocalProvisionerOptions.Section);
        services.TryAddSingleton<LocalProcessProvisioner>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkspaceProvisioner, LocalProcessProvisioner>(sp => sp.GetRequiredService<LocalProcessProvisioner>()));
        services.AddCoderAzureProvisioners();
        services.TryAddSingleton(sp => new ProvisionerRegistry(sp.GetServices<IWorkspaceProvisioner>().Concat(sp.ConfiguredAzureProvisioners())));
        return services;
    }
}
