using Coder.Contracts.Connect;
using Coder.Agent.ControlPlane;
using Coder.Contracts.Agents;
using Coder.Relay.Protocol;

namespace Coder.Agent.Connect;

/// <summary>
/// The listener's token source: asks the control plane for a Listen token and hands the same one out during the first
/// <see cref="ReuseFraction"/> of its life, so reconnects during a relay outage do not each cost a control-plane call, while
/// the listener's renewal (halfway through the token's life) always gets a fresh one.
/// </summary>
public sealed class RelayTokenCache(Func<CancellationToken, Task<RelayTokenResponse>> fetch, TimeProvider time)
{
    public const double ReuseFraction = 0.4;
    readonly SemaphoreSlim _gate = new(1, 1);
    RelayTokenResponse? _current;
    DateTimeOffset _fetchedAt;

    public static RelayTokenCache For(ConnectClient client, int replica, TimeProvider time) =>
        new(cancellationToken => client.GetRelayTokenAsync(replica, cancellationToken), time);

    public RelayTokenProvider Provider => async (_, cancellationToken) => await GetAsync(cancellationToken);

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_current is { } current && now < _fetchedAt + (current.ExpiresAt - _fetchedAt) * ReuseFraction) return current.Token;
            _current = await fetch(cancellationToken);
            _fetchedAt = now;
            return _current.Token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
