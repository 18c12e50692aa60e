using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Relay;

public static class RelayServiceCollectionExtensions
{
    public static IServiceCollection AddCoderRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RelayOptions>()
            .Bind(configuration.GetSection(RelayOptions.Section))
            .Validate(o => o.PendingConnectTimeout > TimeSpan.Zero, "Relay:PendingConnectTimeout must be positive.")
            .Validate(o => o.MaxListenersPerPath > 0, "Relay:MaxListenersPerPath must be positive.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RelayKeyRing>();
        services.AddSingleton<RelayAuthorizer>();
        services.AddSingleton<ListenerRegistry>();
        services.AddSingleton<RendezvousTable>();
        services.AddSingleton<HybridConnectionEndpoint>();
        return services;
    }
}
