using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coder.EndToEnd.Tests.Secrets;

/// <summary>
/// A private repository over git's dumb HTTP protocol on loopback: every request needs Basic auth with
/// <paramref name="password"/> (else 401 with a Basic challenge, which is what makes git ask its credential helper).
/// While an authorized request is served (a clone is running), it looks through every process's command line for the
/// password, as any process on the machine could.
/// </summary>
public sealed class PrivateGitServer : IAsyncDisposable
{
    readonly HttpListener _listener = new();
    readonly string _root;
    readonly string _password;
    readonly Task _serving;
    int _authorized;

    public PrivateGitServer(string root, string password)
    {
        (_root, _password) = (root, password);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public int AuthorizedRequests => Volatile.Read(ref _authorized);

    public int UnauthorizedRequests { get; private set; }

    /// <summary>Command lines that held the password while a clone ran (should stay empty).</summary>
    public List<string> ArgvLeaks { get; } = [];

    async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = context.Response;
            string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{_password}"));
            if (context.Request.Headers["Authorization"] != expected)
            {
                UnauthorizedRequests++;
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", "Basic realm=\"private\"");
                continue;
            }

            Interlocked.Increment(ref _authorized);
            lock (ArgvLeaks) ArgvLeaks.AddRange(CommandLinesHolding(_password));
            string relative = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            string file = Path.GetFullPath(Path.Combine(_root, relative));
            if (!file.StartsWith(_root + "/", StringComparison.Ordinal) || !File.Exists(file))
            {
                response.StatusCode = 404;
                continue;
            }

            response.ContentType = "application/octet-stream";
            byte[] bytes = await File.ReadAllBytesAsync(file);
            await response.OutputStream.WriteAsync(bytes);
        }
    }

    static IEnumerable<string> CommandLinesHolding(string secret)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (cmdline.Contains(secret, StringComparison.Ordinal)) yield return cmdline;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
