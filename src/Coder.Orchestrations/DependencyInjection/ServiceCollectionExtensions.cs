using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Agents.ServiceBus;
using Coder.Orchestrations.Events;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Operations.Compute;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Azure;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.Scaling;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.Snapshots;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Telemetry;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Upgrades;
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
        services.AddCoderAzureCredential();
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
        services.AddSingleton<WorkspaceAgentStore>();
        services.AddSingleton<WorkspaceTimeline>();
        services.AddSingleton<OperationStore>();
        services.AddSingleton<OperationLauncher>();
        services.AddSingleton<OperationCompletion>();
        services.AddSingleton<HungOperations>();
        services.AddSingleton<WorkspaceAccess>();
        services.AddSingleton<ScaleOperations>();
        services.AddSingleton<WorkspaceService>();
        services.AddSingleton<IWorkspaceCreator>(sp => sp.GetRequiredService<WorkspaceService>());
        services.AddSingleton<ApiTokenService>();
        services.AddCoderSecurity();
        services.AddSingleton<AgentTokenService>();
        services.AddSingleton<AgentBootstrap>();
        services.AddSingleton<AgentManifestService>();
        services.AddSingleton<WorkspaceSignalQueue>();
        services.AddSingleton<IAgentEventIngestor, AgentEventIngestor>();
        services.AddSingleton<AgentEventMessageHandler>();
        services.AddOptions<ServiceBusIngestOptions>().BindConfiguration(ServiceBusIngestOptions.Section);
        services.AddSingleton<ServiceBusAgentEventSource>();
        services.AddSingleton<ServiceBusAgentEventDrain>();

        services.AddCoderSnapshots();
        services.AddSingleton<LocalProcessProvisioner>();
        services.AddSingleton<IWorkspaceProvisioner>(sp => sp.GetRequiredService<LocalProcessProvisioner>());
        services.AddCoderAzureProvisioners();
        services.AddSingleton(sp => new ProvisionerRegistry(sp.GetServices<IWorkspaceProvisioner>().Concat(sp.ConfiguredAzureProvisioners())));

        services.AddCoderCompute();
        services.AddSingleton<RecordOperationStepActivity>();
        services.AddSingleton<EnsureWorkspaceActivity>();
        services.AddSingleton<CheckAgentActivity>();
        services.AddSingleton<StopWorkspaceActivity>();
        services.AddSingleton<DestroyWorkspaceActivity>();
        services.AddSingleton<CompleteOperationActivity>();
        services.AddSingleton<ApplySizeActivity>();
        services.AddSingleton<RequestDrainActivity>();
        services.AddSingleton<CheckDrainActivity>();

        services.AddOptions<MetricsHistoryOptions>().BindConfiguration(MetricsHistoryOptions.Section);
        services.AddSingleton<WorkspaceMetricsHistory>();
        services.AddSingleton<WorkspaceMetricsService>();
        services.AddSingleton<AutoscaleRunner>();
        services.AddMetrics();
        services.TryAddSingleton<CoderMetrics>();
        services.AddCoderEvents();
        services.AddCoderUpgrades();
        services.AddCoderReconciliation();
        return services;
    }
}
