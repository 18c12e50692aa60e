using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Quotas;

public static class QuotasServiceCollectionExtensions
{
    /// <summary>The quota ledger (limits and reservations) and the quota routes' logic.</summary>
    public static IServiceCollection AddCoderQuotas(this IServiceCollection services)
    {
        services.TryAddSingleton<QuotaLedger>();
        services.TryAddSingleton<QuotaService>();
        return services;
    }
}
