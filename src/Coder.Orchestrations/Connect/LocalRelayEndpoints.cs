namespace Coder.Orchestrations.Connect;

/// <summary>The local relay (src/Coder.Relay) accepts any path, so there is nothing to create or delete.</summary>
public sealed class LocalRelayEndpoints : IRelayEndpoints
{
    public Task EnsureAsync(string path, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeleteAsync(string path, CancellationToken cancellationToken) => Task.CompletedTask;
}
