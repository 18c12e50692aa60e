using System.Net.Sockets;
using System.Text;

namespace Coder.Agent.Sessions;

/// <summary>
/// <c>coder-agent session open [id] | close &lt;id&gt; | activity | status [--socket path]</c>: talks to a running agent's
/// control socket. The socket comes from <c>--socket</c>, <c>CODER_AGENT_SOCKET</c>, <c>CODER_AGENT_STATE_DIR</c>, or the
/// default state folder of replica 0 under <c>CODER_WORKSPACE_DIR</c> (or the current folder).
/// </summary>
public static class SessionCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var words = new List<string>();
        string? socket = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--socket" && i + 1 < args.Count) socket = args[++i];
            else words.Add(args[i]);
        }
        if (words.Count == 0 || words[0] is not ("open" or "close" or "activity" or "status") || (words[0] == "close" && words.Count < 2))
        {
            await error.WriteLineAsync("usage: coder-agent session open [id] | close <id> | activity | status [--socket path]");
            return 1;
        }
        socket ??= DefaultSocketPath();
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
            await using var stream = new NetworkStream(client, ownsSocket: false);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await writer.WriteLineAsync(string.Join(' ', words).AsMemory(), cancellationToken);
            string? reply = await reader.ReadLineAsync(cancellationToken);
            await output.WriteLineAsync(reply ?? "error no reply");
            return reply?.StartsWith("ok", StringComparison.Ordinal) == true ? 0 : 2;
        }
        catch (SocketException ex)
        {
            await error.WriteLineAsync($"cannot reach the agent at {socket}: {ex.Message}");
            return 2;
        }
    }

    static string DefaultSocketPath()
    {
        if (Environment.GetEnvironmentVariable("CODER_AGENT_SOCKET") is { Length: > 0 } socket) return socket;
        if (Environment.GetEnvironmentVariable("CODER_AGENT_STATE_DIR") is { Length: > 0 } state) return Path.Combine(state, "agent.sock");
        string workspace = Environment.GetEnvironmentVariable("CODER_WORKSPACE_DIR") is { Length: > 0 } dir ? dir : Directory.GetCurrentDirectory();
        return Path.Combine(workspace, ".coder-agent", "0", "agent.sock");
    }
}
