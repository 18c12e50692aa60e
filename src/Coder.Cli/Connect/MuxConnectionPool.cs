using Coder.Connect.Protocol;

namespace Coder.Cli.Connect;

/// <summary>
/// Relay connections to one workspace shared by many sessions (port forwarding): a session goes on a live connection
/// with room under the agent's per-connection cap, else on a new connection.
/// </summary>
public sealed class MuxConnectionPool(WorkspaceConnector connector, int maxSessionsPerConnection) : IAsyncDisposable
{
    /// <summary>The agent's default per-connection session cap (<c>CODER_AGENT_MAX_SESSIONS_PER_CONNECTION</c>).</summary>
    public const int DefaultMaxSessionsPerConnection = 32;

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly List<MuxClient> _connections = [];

    /// <summary>Relay connections opened so far.</summary>
    public int ConnectionsOpened { get; private set; }

    /// <summary>Opens the first connection now, so a stopped workspace or a refusing relay fails the command at once.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connections.Count == 0) await AddConnectionAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<MuxClientSession> OpenAsync(OpenSessionRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _connections.RemoveAll(c => c.IsClosed);
            var connection = _connections.FirstOrDefault(c => c.OpenSessions < maxSessionsPerConnection);
            connection ??= await AddConnectionAsync(cancellationToken);
            try
            {
                return await connection.OpenAsync(request, cancellationToken);
            }
            catch (MuxSessionException e) when (e.ConnectionLost)
            {
                // The relay dropped it before its reader noticed: once more, on a new connection.
                _connections.Remove(connection);
                await connection.DisposeAsync();
                return await (await AddConnectionAsync(cancellationToken)).OpenAsync(request, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<MuxClient> AddConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await connector.ConnectAsync(cancellationToken);
        _connections.Add(connection);
        ConnectionsOpened++;
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        _connections.Clear();
        _gate.Dispose();
    }
}
