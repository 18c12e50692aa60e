using Coder.Orchestrations.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Bench.Scenarios;

/// <summary>
/// Builds the local host's container with a bench platform (<see cref="NoOpProvisioner"/>, the fleet's) as its only platform. The host registers its
/// own services inside <c>LocalHost.BuildAsync</c>, so the swap happens where the container is built, after them.
/// </summary>
public sealed class NoOpPlatformServiceProviderFactory(IWorkspaceProvisioner noOp) : IServiceProviderFactory<IServiceCollection>
{
    public IServiceCollection CreateBuilder(IServiceCollection services) => services;

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder)
    {
        containerBuilder.RemoveAll<IWorkspaceProvisioner>();
        containerBuilder.AddSingleton<IWorkspaceProvisioner>(noOp);
        return containerBuilder.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = false });
    }
}
