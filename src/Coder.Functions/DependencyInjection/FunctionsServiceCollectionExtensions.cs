using Coder.Functions.Http;
using Coder.Orchestrations.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coder.Functions.DependencyInjection;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>What the function classes need, in either host.</summary>
    public static IServiceCollection AddCoderFunctions(this IServiceCollection services)
    {
        services.AddCoderOrchestrations();
        services.AddSingleton<ApiPipeline>();
        services.AddHostedService<StorageInitializationService>();
        return services;
    }
}
