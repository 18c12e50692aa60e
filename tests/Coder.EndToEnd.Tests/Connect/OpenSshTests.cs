using System.Diagnostics;
using System.Security.Cryptography;
using Coder.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// <c>coder config-ssh</c>, then the stock OpenSSH client: <c>ssh -F config coder.dev</c> and <c>scp</c> go through
/// <c>coder ssh --stdio</c> (the ProxyCommand) to an <c>sshd -i</c> the agent starts per connection (issue #22 acceptance).
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class OpenSshTests(ConnectFixture fixture, ITestOutputHelper output)
{
    string SshConfig => Path.Combine(fixture.Alice.Home, ".ssh", "config");

    [SkippableFact]
    public async Task Config_ssh_then_stock_ssh_runs_a_command_and_scp_round_trips_ten_mebibytes()
    {
        SkipWithoutOpenSsh();
        // The agent said how SSH gets in: it listens, sshd is there, and who logs in (coder in a sandbox, else the host's user).
        using var api = fixture.AliceApi();
        var workspace = (await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{fixture.WorkspaceId}"),
            r => r.Json["agents"]?[0]?["connect"]?["user"] is not null, TimeSpan.FromSeconds(30), "the agent's connect report")).Json;
        var connect = workspace["agents"]![0]!["connect"]!;
        Assert.True((bool)connect["listening"]! && (bool)connect["sshd"]!, connect.ToJsonString());
        string user = (string)connect["user"]!;
        Assert.Equal((string?)workspace["isolation"] == "sandbox" ? "coder" : Environment.UserName, user);

        var configured = await fixture.Alice.RunAsync("config-ssh", "--yes");
        Assert.True(configured.ExitCode == 0, configured.ToString());
        string config = File.ReadAllText(SshConfig);
        Assert.Contains($"Host coder.{ConnectFixture.Workspace}", config, StringComparison.Ordinal);
        Assert.Contains($"  User {user}\n", config, StringComparison.Ordinal);

        // Idempotent: a second run changes nothing.
        var again = await fixture.Alice.RunAsync("config-ssh", "--yes");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(config, File.ReadAllText(SshConfig));

        var (code, stdout, stderr) = await RunAsync("ssh", "-F", SshConfig, "-o", "BatchMode=yes", $"coder.{ConnectFixture.Workspace}", "cat", "marker.txt");
        Assert.True(code == 0, $"ssh exited {code}: {stderr}");
        Assert.Equal(ConnectFixture.Marker + "\n", stdout);

        // sshd's sessions get what coder ssh's do (sshd builds their environment, so the agent hands it over as SetEnv):
        // the workspace's CODER_* variables and the owner's secrets, quotes, backslashes and '#' intact.
        string secret = "a \"quoted\" \\ value # not a comment $HOME " + Guid.NewGuid().ToString("N");
        Assert.True((await api.SendAsync(HttpMethod.Put, "/api/users/me/secrets/SSH_SESSION_SECRET", new System.Text.Json.Nodes.JsonObject { ["value"] = secret }.ToJsonString())).Status == System.Net.HttpStatusCode.OK);
        try
        {
            var printed = await Eventually.WaitAsync(() => RunAsync("ssh", "-F", SshConfig, "-o", "BatchMode=yes", $"coder.{ConnectFixture.Workspace}", "printenv", "SSH_SESSION_SECRET", "CODER_WORKSPACE_ID"),
                r => r.Code == 0, TimeSpan.FromSeconds(30), "the agent's manifest to carry the new secret");
            Assert.Equal($"{secret}\n{fixture.WorkspaceId}\n", printed.Stdout);
        }
        finally
        {
            await api.DeleteAsync("/api/users/me/secrets/SSH_SESSION_SECRET");
        }

        string local = Path.Combine(fixture.Alice.Home, "ten-mib.bin");
        string back = Path.Combine(fixture.Alice.Home, "ten-mib.back");
        await File.WriteAllBytesAsync(local, RandomNumberGenerator.GetBytes(10 * 1024 * 1024));
        var watch = Stopwatch.StartNew();
        (code, _, stderr) = await RunAsync("scp", "-F", SshConfig, "-o", "BatchMode=yes", "-q", local, $"coder.{ConnectFixture.Workspace}:ten-mib.bin");
        Assert.True(code == 0, $"scp up exited {code}: {stderr}");
        (code, _, stderr) = await RunAsync("scp", "-F", SshConfig, "-o", "BatchMode=yes", "-q", $"coder.{ConnectFixture.Workspace}:ten-mib.bin", back);
        Assert.True(code == 0, $"scp down exited {code}: {stderr}");
        output.WriteLine($"scp of 10 MiB up and down through the relay: {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(local))), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(back))));
    }

    static void SkipWithoutOpenSsh()
    {
        string? missing = new[] { "/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/scp" }.FirstOrDefault(path => !File.Exists(path));
        Skip.If(missing is not null, $"{missing} is not installed (Debian: openssh-server and openssh-client; .ci/run installs them), so OpenSSH cannot be driven here");
    }

    /// <summary>Runs an OpenSSH client as alice would: her HOME, so the ProxyCommand's coder finds her login.</summary>
    async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        foreach (string key in new[] { "CODER_URL", "CODER_TOKEN", "XDG_CONFIG_HOME" }) psi.Environment.Remove(key);
        psi.Environment["HOME"] = fixture.Alice.Home;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 90 s: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
