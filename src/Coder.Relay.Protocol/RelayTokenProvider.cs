namespace Coder.Relay.Protocol;

/// <summary>Gives a token for a resource URI (<see cref="HybridConnectionProtocol.Resource"/>); called per connection.</summary>
public delegate ValueTask<string> RelayTokenProvider(string resource, CancellationToken cancellationToken);
