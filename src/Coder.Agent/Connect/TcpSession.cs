using Coder.Connect.Protocol;
using System.Net;
using System.Net.Sockets;

namespace Coder.Agent.Connect;

/// <summary>A byte stream to <c>127.0.0.1:port</c> inside the workspace; each side's <c>close</c> half-closes the connection.</summary>
public sealed class TcpSession(uint id, MuxFrameWriter writer, int port) : MuxSession(id, writer)
{
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                await _socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException($"nothing accepts connections on 127.0.0.1:{port} ({e.SocketErrorCode})", e);
            }

            await using var stream = new NetworkStream(_socket, ownsSocket: false);
            var input = PumpInputAsync(stream, () => Shutdown(SocketShutdown.Send), cancellationToken);
            await PumpOutputAsync(stream, MuxChannel.Stdout, cancellationToken);
            await Writer.SendAsync(MuxFrame.Close(Id), cancellationToken);
            await input;
        }
        finally
        {
            _socket.Dispose();
        }
    }

    public override void Abort()
    {
        EndInput();
        _socket.Dispose();
    }

    void Shutdown(SocketShutdown how)
    {
        try
        {
            _socket.Shutdown(how);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or closed.
        }
    }
}
