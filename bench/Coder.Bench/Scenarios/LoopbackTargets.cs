using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Coder.Bench.Scenarios;

/// <summary>
/// The two servers a forward reaches on 127.0.0.1 (local workspaces share the host's network): a sink that reads a
/// length-prefixed payload and answers one byte when it has all of it, and a byte echo.
/// </summary>
sealed class LoopbackTargets : IAsyncDisposable
{
    readonly TcpListener _sink = new(IPAddress.Loopback, 0);
    readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly Task _serving;

    public LoopbackTargets()
    {
        _sink.Start();
        _echo.Start();
        _serving = Task.WhenAll(AcceptAsync(_sink, SinkAsync), AcceptAsync(_echo, EchoAsync));
    }

    public int SinkPort => ((IPEndPoint)_sink.LocalEndpoint).Port;

    public int EchoPort => ((IPEndPoint)_echo.LocalEndpoint).Port;

    async Task AcceptAsync(TcpListener listener, Func<NetworkStream, CancellationToken, Task> serve)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            await serve(client.GetStream(), _stop.Token);
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                        {
                            // The measuring side hung up.
                        }
                    }
                });
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    static async Task SinkAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        byte[] header = new byte[8];
        await stream.ReadExactlyAsync(header, cancellationToken);
        long remaining = BinaryPrimitives.ReadInt64BigEndian(header);
        byte[] buffer = new byte[256 * 1024];
        while (remaining > 0)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
            if (read == 0) throw new IOException("the payload ended early");
            remaining -= read;
        }

        await stream.WriteAsync(new byte[] { 1 }, cancellationToken);
    }

    static async Task EchoAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0) await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _sink.Stop();
        _echo.Stop();
        await _serving;
        _stop.Dispose();
    }
}
