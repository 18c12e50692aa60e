using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Connect;
using Coder.Orchestrations.Events;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Operations.Compute;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.Prebuilds;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.Scaling;
using Coder.Orchestrations.Secrets;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.Snapshots;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Telemetry;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Upgrades;
using Coder.Orchestrations.Workspaces;
using Coder.Orchestrations.Workspaces.Activities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.DependencyInjection;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Everything the functions need, area by area. Every area adds with TryAdd, so a service the host registered
    /// before wins, and adding twice adds nothing.
    /// </summary>
    public static IServiceCollection AddCoderOrchestrations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddCoderAzureCredential();
        services.AddCoderMetrics();
        services.AddCoderState();
        services.TryAddSingleton<CoderStorageInitializer>();

        services.AddCoderOperations();

        services.AddCoderSecurity();
        services.AddCoderQuotas();
        services.AddCoderSecrets();
        services.AddCoderTemplates();
        services.AddCoderWorkspaces();
        services.AddCoderConnect();
        services.AddCoderAgents();
        services.AddCoderProvisioning();
        services.AddCoderSnapshots();
        services.AddCoderScaling();
        services.AddCoderEvents();
        services.AddCoderUpgrades();
        services.AddCoderReconciliation();
        services.AddCoderPrebuilds();
        return services;
    }
}
