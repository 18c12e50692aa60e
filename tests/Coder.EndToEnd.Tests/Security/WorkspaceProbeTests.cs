using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Data.Tables;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// Workspace code is hostile: a startup script dumps everything it can reach (its environment, every readable
/// /proc/*/environ and cmdline, a bounded search of the file system for token files, Azurite's data and another
/// workspace's marker) and none of the control plane's secrets, another workspace's files or another agent's token may be
/// in it. As root, as CI runs the suite, the workspace must be sandboxed: <c>isolation: none</c> fails this test.
/// </summary>
[Collection(SecurityCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WorkspaceProbeTests(SecurityHost fixture)
{
    /// <summary>The emulator's published key, which anyone can use against a loopback Azurite that accepts it.</summary>
    const string PublicDevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    const string ProbeScript = """
        out="$HOME/probe.txt"
        {
          echo "== env"; env
          echo "== proc"
          for p in /proc/[0-9]*; do
            echo "-- $p $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)"
            tr '\0' '\n' < "$p/environ" 2>/dev/null
          done
          echo "== find"
          timeout 20 find / -maxdepth 7 \( -path /proc -o -path /sys -o -path /usr \) -prune -o \
            \( -name 'admin-token' -o -name 'account-key' -o -iname '*azurite*' -o -name 'marker-*' -o -name 'uids' -o -name '*.sock' -o -name 'agent-r*.log' \) -print 2>/dev/null |
          while read -r f; do
            echo "-- $f"
            if [ -d "$f" ]; then ls -la "$f" 2>&1; else head -c 4096 "$f" 2>&1; fi
            echo
          done
          echo "== end"
        } > "$out.tmp" 2>&1
        mv "$out.tmp" "$out"
        """;

    [Fact]
    public async Task StartupScript_ReachesNoSecretOfTheControlPlaneAndNothingOfAnotherWorkspace()
    {
        string run = Guid.NewGuid().ToString("N")[..8];
        string ownSecret = "own-" + Guid.NewGuid().ToString("N");
        string otherSecret = "other-" + Guid.NewGuid().ToString("N");
        using var admin = fixture.Host.Admin();
        await admin.CreateTemplateAsync(Templates.Local("probe-" + run, $"echo {ownSecret} > \"$HOME/marker-own.txt\"\n{ProbeScript}"));
        await admin.CreateTemplateAsync(Templates.Local("marker-" + run, $"echo {otherSecret} > \"$HOME/marker-other.txt\""));
        using var alice = fixture.Api("alice");
        using var bob = fixture.Api("bob");

        // B first, so its marker is written and its agent runs while A probes.
        string b = await bob.CreateWorkspaceAsync("marker-" + run, "marker-" + run);
        await bob.WaitForStatusAsync(b, "running", TimeSpan.FromSeconds(90));
        string a = await alice.CreateWorkspaceAsync("probe-" + run, "probe-" + run);
        var probed = await alice.WaitForStatusAsync(a, "running", TimeSpan.FromSeconds(90));
        string dump = await File.ReadAllTextAsync(Path.Combine(fixture.Host.DataDirectory, "workspaces", a, "probe.txt"));

        // The probe ran: its own environment, its own processes and its own marker are in the dump.
        Assert.Contains("== end", dump, StringComparison.Ordinal);
        Assert.Contains("CODER_WORKSPACE_ID=" + a, dump, StringComparison.Ordinal);
        Assert.Contains(ownSecret, dump, StringComparison.Ordinal);

        string isolation = (string?)probed["isolation"] ?? "(absent)";
        if (Environment.UserName == "root")
        {
            Assert.True(isolation == "sandbox", $"The suite runs as root, so workspaces must be sandboxed; the workspace reports isolation {isolation}: {(string?)probed["isolationReason"]}");
        }
        else
        {
            // Without root there is no boundary to test; the workspace must say so rather than pretend.
            Assert.Equal("none", isolation);
            Assert.False(string.IsNullOrWhiteSpace((string?)probed["isolationReason"]));
            return;
        }

        var forbidden = new Dictionary<string, string>
        {
            ["the admin token"] = LocalHostProcess.AdminToken,
            ["the storage account key"] = AccountKey(fixture.ConnectionString),
            ["another workspace's file"] = otherSecret,
            ["bob's agent token"] = await fixture.AgentTokenOfAsync(b),
            ["another agent's token"] = await fixture.AgentTokenOfAsync(fixture.BobWorkspace),
            ["alice's other agent's token"] = await fixture.AgentTokenOfAsync(fixture.AliceWorkspace),
            ["a connection string with a key"] = "AccountKey=",
            ["a member's API token"] = fixture.Tokens["alice"],
        };
        var leaks = forbidden.Where(f => dump.Contains(f.Value, StringComparison.Ordinal)).Select(f => $"{f.Key}:\n{Excerpt(dump, f.Value)}").ToList();
        Assert.True(leaks.Count == 0, "The probe reached " + string.Join("\n\n", leaks));
    }

    [Fact]
    public async Task PublicDevelopmentKey_IsRefusedByTheSuitesAzurite_AndItsOwnKeyWorks()
    {
        string own = fixture.ConnectionString;
        string stolen = own.Replace(AccountKey(own), PublicDevelopmentKey, StringComparison.Ordinal);
        Assert.NotEqual(own, stolen);

        var table = new TableClient(stolen, fixture.Host.Prefix + "ApiTokens");
        var tableRefused = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("forged", "")));
        Assert.Equal((int)HttpStatusCode.Forbidden, tableRefused.Status);
        var queueRefused = await Assert.ThrowsAsync<RequestFailedException>(() => new QueueClient(stolen, fixture.Host.Prefix + "agent-events").SendMessageAsync("forged"));
        Assert.Equal((int)HttpStatusCode.Forbidden, queueRefused.Status);
        var blobRefused = await Assert.ThrowsAsync<RequestFailedException>(() => new BlobServiceClient(stolen).GetBlobContainersAsync().AsPages().GetAsyncEnumerator().MoveNextAsync().AsTask());
        Assert.Equal((int)HttpStatusCode.Forbidden, blobRefused.Status);

        // The same request with the generated key goes through: the refusal is the key's.
        await foreach (var _ in new TableClient(own, fixture.Host.Prefix + "ApiTokens").QueryAsync<TableEntity>(maxPerPage: 1)) break;
    }

    [Fact]
    public async Task DurableSidecar_ListensOnASocketOnlyTheHostsUserCanOpen()
    {
        string folder = Path.Combine(fixture.Host.DataDirectory, "durable");
        string socket = Path.Combine(folder, $"sidecar-{fixture.Host.ProcessId}.sock");
        Assert.True(File.Exists(socket), $"No sidecar socket at {socket}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));

        // The host's user connects.
        using (var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socket));
            Assert.True(client.Connected);
        }

        if (Environment.UserName != "root") return; // switching to another user to try takes root

        // Another user (here nobody, as a workspace's own uid would be) cannot.
        var (exit, error) = await RunAsAsync(65534, "curl", "-sS", "--http2-prior-knowledge", "--max-time", "5", "--unix-socket", socket, "http://localhost/");
        Assert.True(exit == 7, $"curl as another user: exit {exit} (7: could not connect), {error}");
        var (asHost, _) = await RunAsAsync(0, "curl", "-sS", "--http2-prior-knowledge", "--max-time", "5", "--unix-socket", socket, "http://localhost/");
        Assert.NotEqual(7, asHost);
    }

    static async Task<(int Exit, string Error)> RunAsAsync(int uid, params string[] command)
    {
        var psi = new ProcessStartInfo("setpriv") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "--reuid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--regid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--clear-groups", "--" }.Concat(command))
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await stdout;
        await process.WaitForExitAsync();
        return (process.ExitCode, error);
    }

    static string AccountKey(string connectionString) =>
        connectionString.Split(';').Select(p => p.Split('=', 2)).Single(p => p[0] == "AccountKey")[1];

    static string Excerpt(string dump, string secret)
    {
        int at = dump.IndexOf(secret, StringComparison.Ordinal);
        int start = dump.LastIndexOf("\n--", at, StringComparison.Ordinal);
        return dump[Math.Max(0, start)..Math.Min(dump.Length, at + 200)].Replace(secret, "<secret>", StringComparison.Ordinal);
    }
}
