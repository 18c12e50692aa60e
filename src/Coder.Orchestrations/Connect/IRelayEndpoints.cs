namespace Coder.Orchestrations.Connect;

/// <summary>
/// The relay's entities: a hybrid connection per workspace replica path. Locally any path is accepted (no entities); on
/// Azure Relay the entity must exist before a listener or sender can use it.
/// </summary>
public interface IRelayEndpoints
{
    /// <summary>Makes sure the hybrid connection <paramref name="path"/> exists. Idempotent.</summary>
    Task EnsureAsync(string path, CancellationToken cancellationToken);

    /// <summary>Deletes the hybrid connection <paramref name="path"/>; one that is not there is fine.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);
}
