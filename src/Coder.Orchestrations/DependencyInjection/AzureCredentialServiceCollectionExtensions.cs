using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.DependencyInjection;

public static class AzureCredentialServiceCollectionExtensions
{
    /// <summary>The configuration section of the Functions host's identity-based storage connection.</summary>
    public const string IdentityConnectionSection = "AzureWebJobsStorage";

    /// <summary>
    /// The one <see cref="TokenCredential"/> every Azure client of the control plane uses (storage, Service Bus, Event
    /// Grid, ARM, Azure Monitor), registered through Microsoft.Extensions.Azure. It reads the identity connection the way
    /// the Functions host does: <c>AzureWebJobsStorage__credential=managedidentity</c> with <c>__clientId</c> gives the
    /// app's user-assigned managed identity; without them the default chain (a developer's <c>az login</c>). A host
    /// that registers its own credential first (tests) keeps it.
    /// </summary>
    public static IServiceCollection AddCoderAzureCredential(this IServiceCollection services)
    {
        // AddAzureClients adds its options' configuration on every call; once is enough.
        if (!services.Any(d => d.ServiceType == typeof(AzureComponentFactory))) services.AddAzureClients(clients => clients.UseCredential(_ => new DefaultAzureCredential()));
        services.TryAddSingleton<TokenCredential>(sp => sp.GetRequiredService<AzureComponentFactory>()
            .CreateTokenCredential(sp.GetRequiredService<IConfiguration>().GetSection(IdentityConnectionSection)));
        return services;
    }
}
