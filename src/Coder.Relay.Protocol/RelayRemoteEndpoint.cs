namespace Coder.Relay.Protocol;

/// <summary>The sender's network address as the service saw it (<c>remoteEndpoint</c> of the accept message).</summary>
public sealed record RelayRemoteEndpoint(string Address, int Port);
