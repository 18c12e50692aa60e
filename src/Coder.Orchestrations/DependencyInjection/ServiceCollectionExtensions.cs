using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Workspaces;
using Coder.Orchestrations.Workspaces.Activities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.DependencyInjection;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything the functions need: state, services, activities, ingest and the local provisioner.</summary>
    public static IServiceCollection AddCoderOrchestrations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<CoderStorageOptions>().BindConfiguration(CoderStorageOptions.Section);
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.AddOptions<AgentBootstrapOptions>().BindConfiguration(AgentBootstrapOptions.Section);
        services.AddOptions<LocalProvisionerOptions>().BindConfiguration(LocalProvisionerOptions.Section);

        services.AddSingleton<StorageClientFactory>();
        services.AddSingleton<CoderTables>();
        services.AddSingleton<CoderStorageInitializer>();
        services.AddSingleton<TemplateStore>();
        services.AddSingleton<TemplateService>();
        services.AddSingleton<WorkspaceStore>();
        services.AddSingleton<WorkspaceTimeline>();
        services.AddSingleton<OperationStore>();
        services.AddSingleton<WorkspaceService>();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<AgentTokenService>();
        services.AddSingleton<AgentBootstrap>();
        services.AddSingleton<AgentManifestService>();
        services.AddSingleton<WorkspaceSignalQueue>();
        services.AddSingleton<IAgentEventIngestor, AgentEventIngestor>();

        services.AddSingleton<LocalProcessProvisioner>();
        services.AddSingleton<IWorkspaceProvisioner>(sp => sp.GetRequiredService<LocalProcessProvisioner>());
        services.AddSingleton<ProvisionerRegistry>();

        services.AddSingleton<RecordOperationStepActivity>();
        services.AddSingleton<EnsureWorkspaceActivity>();
        services.AddSingleton<CheckAgentActivity>();
        services.AddSingleton<StopWorkspaceActivity>();
        services.AddSingleton<DestroyWorkspaceActivity>();
        services.AddSingleton<CompleteOperationActivity>();
        services.AddSingleton<ApplySizeActivity>();
        services.AddCoderReconciliation();
        return services;
    }
}
