using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>Tokens, the App Service principal and forwarded-address switches, rate limits (per token and per address), security metrics and the audit log.</summary>
    public static IServiceCollection AddCoderSecurity(this IServiceCollection services)
    {
        services.AddCoderMetrics();
        services.TryBindOptions<SecurityOptions>(SecurityOptions.Section, builder => builder.Configure<IConfiguration>((options, configuration) =>
        {
            // The documented flat switch; anything but "true" leaves the header ignored.
            if (configuration[SecurityOptions.TrustEasyAuthVariable] is { } trust) options.TrustEasyAuth = string.Equals(trust, "true", StringComparison.OrdinalIgnoreCase);
            if (configuration[SecurityOptions.TrustForwardedForVariable] is { } forwarded) options.TrustForwardedFor = string.Equals(forwarded, "true", StringComparison.OrdinalIgnoreCase);
        }));
        services.TryAddSingleton<ApiTokenService>();
        services.TryAddSingleton<WebSessionService>();
        services.TryAddSingleton<MutationRateLimiter>();
        services.TryAddSingleton<AddressRateLimiter>();
        services.TryAddSingleton<SecurityMetrics>();
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<WorkspaceAccess>();
        return services;
    }
}
