using Coder.Orchestrations.Common;
using Coder.Orchestrations.Upgrades.Activities;
using Coder.Orchestrations.Upgrades.Rollouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Upgrades;

public static class UpgradesServiceCollectionExtensions
{
    /// <summary>Workspace upgrades and fleet rollouts: services, the rollout store and the activities.</summary>
    public static IServiceCollection AddCoderUpgrades(this IServiceCollection services)
    {
        services.TryBindOptions<RolloutOptions>(RolloutOptions.Section);
        services.TryAddSingleton<RolloutStore>();
        services.TryAddSingleton<UpgradeOperations>();
        services.TryAddSingleton<UpgradeService>();
        services.TryAddSingleton<CreateRestorePointActivity>();
        services.TryAddSingleton<RestoreFromRestorePointActivity>();
        services.TryAddSingleton<ApplyTemplateVersionActivity>();
        services.TryAddSingleton<PlanRolloutActivity>();
        services.TryAddSingleton<ClaimRolloutWorkspaceActivity>();
        services.TryAddSingleton<RecordRolloutActivity>();
        services.TryAddSingleton<CheckRolloutHealthActivity>();
        services.TryAddSingleton<PrepareGreenActivity>();
        services.TryAddSingleton<SwitchToGreenActivity>();
        services.TryAddSingleton<StopComputeInstanceActivity>();
        services.TryAddSingleton<AbandonGreenActivity>();
        return services;
    }
}
