using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Scaling;

public static class ScalingServiceCollectionExtensions
{
    /// <summary>The metrics history (<c>Coder:Scaling</c>), the metrics use cases and the autoscaler.</summary>
    public static IServiceCollection AddCoderScaling(this IServiceCollection services)
    {
        services.TryBindOptions<MetricsHistoryOptions>(MetricsHistoryOptions.Section);
        services.TryAddSingleton<WorkspaceMetricsHistory>();
        services.TryAddSingleton<WorkspaceMetricsService>();
        services.TryAddSingleton<ScaleOperations>();
        services.TryAddSingleton<AutoscaleRunner>();
        return services;
    }
}
