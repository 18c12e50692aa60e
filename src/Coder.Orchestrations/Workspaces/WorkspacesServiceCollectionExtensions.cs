using Coder.Orchestrations.Events;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Workspaces.Activities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Workspaces;

public static class WorkspacesServiceCollectionExtensions
{
    /// <summary>The workspace use cases, the timeline and the workspace activities.</summary>
    public static IServiceCollection AddCoderWorkspaces(this IServiceCollection services)
    {
        services.TryAddSingleton<WorkspaceTimeline>();
        services.TryAddSingleton<WorkspaceService>();
        services.TryAddSingleton<IWorkspaceCreator>(sp => sp.GetRequiredService<WorkspaceService>());
        services.TryAddSingleton<EnsureWorkspaceActivity>();
        services.TryAddSingleton<CheckAgentActivity>();
        services.TryAddSingleton<ProvisionComputeActivity>();
        services.TryAddSingleton<AgentStartingActivity>();
        services.TryAddSingleton<StopWorkspaceActivity>();
        services.TryAddSingleton<DestroyWorkspaceActivity>();
        services.TryAddSingleton<ApplySizeActivity>();
        services.TryAddSingleton<RequestDrainActivity>();
        services.TryAddSingleton<CheckDrainActivity>();
        return services;
    }
}
