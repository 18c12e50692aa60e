using Coder.Relay.Protocol;

namespace Coder.Relay.Tests.Infrastructure;

/// <summary>A listener that echoes every byte each sender sends, counting the senders it accepted.</summary>
public sealed class EchoListener : IAsyncDisposable
{
    readonly List<Task> _echoes = [];
    Task? _acceptLoop;
    int _accepted;

    public EchoListener(Uri relay, string path, RelayTokenProvider tokens, HybridConnectionListenerOptions? options = null) =>
        Listener = new HybridConnectionListener(relay, path, tokens, options);

    public HybridConnectionListener Listener { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public async Task StartAsync()
    {
        await Listener.OpenAsync(CancellationToken.None);
        _acceptLoop = AcceptLoopAsync();
    }

    async Task AcceptLoopAsync()
    {
        while (await Listener.AcceptConnectionAsync(CancellationToken.None) is { } stream)
        {
            Interlocked.Increment(ref _accepted);
            lock (_echoes) _echoes.Add(EchoAsync(stream));
        }
    }

    static async Task EchoAsync(Stream stream)
    {
        await using (stream)
        {
            try
            {
                await stream.CopyToAsync(stream);
            }
            catch (IOException)
            {
                // The sender vanished; this echo is over.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        if (_acceptLoop is not null) await _acceptLoop;
    }
}
