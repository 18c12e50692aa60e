using System.Net;
using System.Net.Sockets;
using Coder.Connect.Protocol;

namespace Coder.Cli.Connect;

/// <summary>
/// Listens on the local ends of <see cref="ForwardSpec"/>s and carries each accepted connection as a <c>tcp</c> session
/// to the workspace, reporting each connection on <paramref name="report"/> (stderr).
/// </summary>
public sealed class PortForwarder(MuxConnectionPool pool, string workspaceName, TextWriter report)
{
    int _connections;

    /// <summary>Starts listening on every spec (so a taken port fails before anything runs) and returns the listeners.</summary>
    public static IReadOnlyList<(ForwardSpec Spec, TcpListener Listener)> Listen(IEnumerable<ForwardSpec> specs)
    {
        var listeners = new List<(ForwardSpec, TcpListener)>();
        foreach (var spec in specs)
        {
            var listener = new TcpListener(spec.Bind, spec.LocalPort);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                foreach (var (_, started) in listeners) started.Dispose();
                listener.Dispose();
                throw new ConnectFailedException($"cannot listen on {Format(spec.Bind, spec.LocalPort)}: {e.Message}", 1, e);
            }

            listeners.Add((spec, listener));
        }

        return listeners;
    }

    public static string Format(IPAddress address, int port) => address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    /// <summary>Accepts until <paramref name="cancellationToken"/> fires (Ctrl-C), then ends the connections it carries.</summary>
    public async Task RunAsync(IReadOnlyList<(ForwardSpec Spec, TcpListener Listener)> listeners, CancellationToken cancellationToken)
    {
        var carried = new List<Task>();
        await Task.WhenAll(listeners.Select(l => AcceptAsync(l.Spec, l.Listener, carried, cancellationToken)));
        Task[] remaining;
        lock (carried) remaining = [.. carried];
        await Task.WhenAll(remaining);
    }

    async Task AcceptAsync(ForwardSpec spec, TcpListener listener, List<Task> carried, CancellationToken cancellationToken)
    {
        using (listener)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var carrying = CarryAsync(spec, socket, cancellationToken);
                lock (carried) carried.Add(carrying);
            }
        }
    }

    async Task CarryAsync(ForwardSpec spec, Socket socket, CancellationToken cancellationToken)
    {
        int number = Interlocked.Increment(ref _connections);
        string peer = socket.RemoteEndPoint?.ToString() ?? "?";
        using (socket)
        {
            socket.NoDelay = true;
            MuxClientSession session;
            try
            {
                session = await pool.OpenAsync(new OpenSessionRequest("tcp", Port: spec.RemotePort), cancellationToken);
            }
            catch (Exception e) when (e is ConnectFailedException or MuxSessionException or IOException or Http.ApiException or HttpRequestException)
            {
                Report($"connection {number} from {peer}: failed: {e.Message}");
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Report($"connection {number} from {peer} -> {workspaceName}:{spec.RemotePort}");
            using (session)
            await using (var stream = new NetworkStream(socket, ownsSocket: false))
            {
                var upstream = UpstreamAsync(stream, socket, session, cancellationToken);
                try
                {
                    while (await session.ReadAsync(cancellationToken) is { } chunk) await stream.WriteAsync(chunk.Bytes, cancellationToken);
                    Shutdown(socket, SocketShutdown.Send);
                    await upstream;
                }
                catch (MuxSessionException e)
                {
                    Report($"connection {number} from {peer}: {e.Message}");
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                    // The local peer reset, or Ctrl-C: the session ends with it.
                    await session.AbortAsync("the local connection ended", CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Local bytes to the workspace; the local peer's half-close becomes the session's <c>close</c>.</summary>
    static async Task UpstreamAsync(NetworkStream stream, Socket socket, MuxClientSession session, CancellationToken cancellationToken)
    {
        try
        {
            await session.CopyInputAsync(stream, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            await session.AbortAsync("the local connection reset", CancellationToken.None);
        }
        catch (Exception e) when (e is MuxSessionException or OperationCanceledException)
        {
            Shutdown(socket, SocketShutdown.Receive);
        }
    }

    static void Shutdown(Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or closed.
        }
    }

    void Report(string line)
    {
        lock (report) report.WriteLine(line);
    }
}
