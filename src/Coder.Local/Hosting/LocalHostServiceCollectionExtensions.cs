using Coder.Functions.DependencyInjection;
using Coder.Local.Agents;
using Coder.Local.Durable;
using Coder.Local.FunctionHost;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.State;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Local.Hosting;

public static class LocalHostServiceCollectionExtensions
{
    /// <summary>
    /// Registers the functions with their local triggers: every orchestrator and activity with the portable durable worker
    /// under its function name, every queue trigger with a listener, every timer with a scheduler.
    /// </summary>
    public static IServiceCollection AddCoderLocalHost(this IServiceCollection services, IReadOnlyList<FunctionDescriptor> functions, DurableSidecar sidecar)
    {
        foreach (var function in functions) FunctionInvoker.EnsureBindable(function);

        // Agents download their binary from the host's own build output, not from blob storage as on Azure. Added before
        // the Functions composition, whose blob store is a TryAdd; a store the host's builder registered first still wins
        // (the seam a host with published blobs uses, as it does for the credential).
        services.TryAddSingleton<IAgentBinaryStore>(new LocalAgentBinaryStore(LocalAgentLaunch.ShippedFolder));
        services.AddCoderFunctions();
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(sidecar.CreateChannel());
            builder.UseCoderVersioning();
            builder.AddTasks(registry =>
            {
                foreach (var f in functions.Where(f => f.Kind == FunctionKind.Orchestrator))
                {
                    // No services for orchestrators: their code must stay deterministic.
                    registry.AddOrchestrator(f.Name, () => new ReflectedOrchestrator(f, EmptyServiceProvider.Instance));
                }

                foreach (var f in functions.Where(f => f.Kind == FunctionKind.Activity))
                {
                    registry.AddActivity(f.Name, sp => new ReflectedActivity(f, sp, sp.GetRequiredService<IHostApplicationLifetime>()));
                }
            });
        });
        services.AddDurableTaskClient(builder => builder.UseGrpc(sidecar.CreateChannel()).UseCoderVersioning());

        foreach (var f in functions.Where(f => f.Kind == FunctionKind.Queue))
        {
            services.AddSingleton<IHostedService>(sp => new QueueTriggerListener(f, sp, sp.GetRequiredService<StorageClientFactory>(), sp.GetRequiredService<ILogger<QueueTriggerListener>>()));
        }

        foreach (var f in functions.Where(f => f.Kind == FunctionKind.Timer))
        {
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerScheduler>(sp, f));
        }

        return services;
    }
}
