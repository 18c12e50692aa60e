using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.DependencyInjection;

/// <summary>Creates tables and queues and stores the bootstrap admin token's hash. Safe to run on every start of every instance.</summary>
public sealed class CoderStorageInitializer(CoderTables tables, WorkspaceSignalQueue signals, StorageClientFactory factory, ApiTokenService apiTokens)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        await signals.EnsureCreatedAsync(cancellationToken);
        await factory.CreateQueueServiceClient().GetQueueClient(factory.Prefix + QueueNames.AgentEvents).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await apiTokens.EnsureBootstrapAdminAsync(cancellationToken);
    }
}
