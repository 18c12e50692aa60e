using Coder.Orchestrations.Upgrades.Activities;
using Coder.Orchestrations.Upgrades.Rollouts;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Orchestrations.Upgrades;

public static class UpgradesServiceCollectionExtensions
{
    /// <summary>Workspace upgrades and fleet rollouts: services, the rollout store and the activities.</summary>
    public static IServiceCollection AddCoderUpgrades(this IServiceCollection services)
    {
        services.AddOptions<RolloutOptions>().BindConfiguration(RolloutOptions.Section);
        services.AddSingleton<RolloutStore>();
        services.AddSingleton<UpgradeOperations>();
        services.AddSingleton<UpgradeService>();
        services.AddSingleton<CreateRestorePointActivity>();
        services.AddSingleton<RestoreFromRestorePointActivity>();
        services.AddSingleton<ApplyTemplateVersionActivity>();
        services.AddSingleton<PlanRolloutActivity>();
        services.AddSingleton<ClaimRolloutWorkspaceActivity>();
        services.AddSingleton<RecordRolloutActivity>();
        services.AddSingleton<CheckRolloutHealthActivity>();
        services.AddSingleton<PrepareGreenActivity>();
        services.AddSingleton<SwitchToGreenActivity>();
        services.AddSingleton<StopComputeInstanceActivity>();
        services.AddSingleton<AbandonGreenActivity>();
        return services;
    }
}
