using Coder.Orchestrations.Agents.ServiceBus;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Connect;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Agents;

public static class AgentsServiceCollectionExtensions
{
    /// <summary>
    /// Agent tokens, bootstrap (<c>Coder:Agent</c>) and manifests, the workspace signal queue, and agent event ingest
    /// from the storage queue or Service Bus (<c>Coder:Agent:ServiceBus</c>). Where agent binaries come from is the host's choice.
    /// </summary>
    public static IServiceCollection AddCoderAgents(this IServiceCollection services)
    {
        services.TryBindOptions<AgentBootstrapOptions>(AgentBootstrapOptions.Section);
        services.TryBindOptions<ServiceBusIngestOptions>(ServiceBusIngestOptions.Section);
        services.TryAddSingleton<AgentTokenService>();
        services.TryAddSingleton<AgentBootstrap>();
        services.TryAddSingleton<AgentManifestService>();
        services.TryAddSingleton<FleetHeartbeat>();
        services.TryAddSingleton<AgentReuseWindow>();
        services.TryAddSingleton<Secrets.OwnerConfigStamps>();
        services.TryAddSingleton<ManifestVersionCache>();
        services.TryAddSingleton<AgentConnectService>();
        services.AddCoderConnect();
        services.TryAddSingleton<WorkspaceSignalQueue>();
        services.TryAddSingleton<AgentSeqMarkers>();
        services.TryAddSingleton<IAgentEventIngestor, AgentEventIngestor>();
        services.TryAddSingleton<AgentEventMessageHandler>();
        services.TryAddSingleton<ServiceBusAgentEventSource>();
        services.TryAddSingleton<ServiceBusAgentEventDrain>();
        return services;
    }
}
