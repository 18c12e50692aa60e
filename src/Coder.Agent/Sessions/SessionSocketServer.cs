using System.Net.Sockets;
using System.Text;
using Coder.Agent.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Sessions;

/// <summary>The Unix domain socket (<c>agent.sock</c> in the state folder) through which workspace tools report sessions.</summary>
public sealed class SessionSocketServer(string socketPath, SessionTracker tracker, ILogger logger)
{
    static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        File.Delete(socketPath);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        listener.Listen(16);
        Log.SessionSocketListening(logger, socketPath);
        try
        {
            while (true)
            {
                var client = await listener.AcceptAsync(cancellationToken);
                _ = ServeAsync(client, cancellationToken);
            }
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ClientTimeout);
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true };
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                await writer.WriteLineAsync(SessionProtocol.Handle(line, tracker).AsMemory(), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            Log.SessionClientDropped(logger, ex);
        }
    }
}
