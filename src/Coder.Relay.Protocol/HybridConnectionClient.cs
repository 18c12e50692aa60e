namespace Coder.Relay.Protocol;

/// <summary>
/// The sender role: connects to a hybrid connection and gets the listener's end as a byte stream. <paramref name="headers"/>
/// reach the listener in the accept message's <c>connectHeaders</c>, for it to decide on or route the connection.
/// </summary>
public sealed class HybridConnectionClient(Uri relay, string path, RelayTokenProvider tokenProvider, IReadOnlyDictionary<string, string>? headers = null)
{
    public async Task<Stream> CreateConnectionAsync(CancellationToken cancellationToken)
    {
        string token = await tokenProvider(HybridConnectionProtocol.Resource(relay, path), cancellationToken).ConfigureAwait(false);
        var address = HybridConnectionProtocol.Address(relay, path, HybridConnectionProtocol.ConnectAction, Guid.NewGuid().ToString("N"), token);
        var socket = await RelayWebSockets.ConnectAsync(address, TimeSpan.FromSeconds(30), headers, cancellationToken).ConfigureAwait(false);
        return RelayWebSockets.AsStream(socket);
    }
}
