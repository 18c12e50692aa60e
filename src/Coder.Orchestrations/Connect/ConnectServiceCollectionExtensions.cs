using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Connect;

public static class ConnectServiceCollectionExtensions
{
    /// <summary>
    /// The relay settings, token minting and SSH keys. With <c>Coder:Relay:NamespaceId</c> set the hybrid connections are
    /// Azure Relay entities made through ARM; otherwise the relay takes any path (the local relay).
    /// </summary>
    public static IServiceCollection AddCoderConnect(this IServiceCollection services)
    {
        services.TryBindOptions<RelayConnectOptions>(RelayConnectOptions.Section);
        services.AddCoderAzureProvisioners();
        services.TryAddSingleton<LocalRelayEndpoints>();
        services.TryAddSingleton<AzureRelayEndpoints>();
        services.TryAddSingleton<IRelayEndpoints>(sp => sp.GetRequiredService<IOptions<RelayConnectOptions>>().Value.NamespaceId is { Length: > 0 }
            ? sp.GetRequiredService<AzureRelayEndpoints>()
            : sp.GetRequiredService<LocalRelayEndpoints>());
        services.TryAddSingleton<RelayTokenService>();
        services.TryAddSingleton<SshKeyStore>();
        services.TryAddSingleton<WorkspaceConnectService>();
        return services;
    }
}
