using Coder.Functions.Http;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Coder.Functions.DependencyInjection;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>What the function classes need, in either host.</summary>
    public static IServiceCollection AddCoderFunctions(this IServiceCollection services)
    {
        services.AddCoderOrchestrations();
        services.TryAddSingleton<ApiPipeline>();
        // On Azure the agent builds live in blob storage; the local host registers its build output first.
        services.TryAddSingleton<IAgentBinaryStore, BlobAgentBinaryStore>();
        services.AddHostedService<StorageInitializationService>();
        return services;
    }
}
