using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Operations.Compute;

public static class ComputeServiceCollectionExtensions
{
    /// <summary>The compute-spec builder the provision, resize and blue-green activities share.</summary>
    public static IServiceCollection AddCoderCompute(this IServiceCollection services)
    {
        services.TryAddSingleton<ComputeSpecBuilder>();
        return services;
    }
}
