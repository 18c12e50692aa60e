using Coder.Agent.Connect;

namespace Coder.Agent.Tests.Connect;

/// <summary>
/// The per-session sshd config: the session's environment as SetEnv lines quoted the way sshd_config(5) reads them
/// (OpenSSH 8.7+: double quotes, backslash escapes), only readable by the agent's user, and gone once the session ends.
/// <c>sshd -T</c> reads it back here; OpenSshTests prints a secret with quotes through a real ssh session.
/// </summary>
public sealed class SshServerTests : IDisposable
{
    readonly string _state = Directory.CreateTempSubdirectory("coder-sshd-").FullName;

    [SkippableFact]
    public async Task TheConfigCarriesTheEnvironmentAsQuotedSetEnv_IsTheAgentsOnly_AndIsForgottenAfterTheSession()
    {
        Skip.If(SshServer.Locate() is null || !File.Exists("/usr/bin/ssh-keygen"), "OpenSSH is not installed (.ci/run installs it)");
        var server = new SshServer(SshServer.Locate(), _state, _ => Task.FromResult<IReadOnlyList<string>>(["ssh-ed25519 AAAA test"]));
        var environment = new Dictionary<string, string?>
        {
            ["TOKEN"] = "a \"quoted\" \\ value # kept",
            ["PEM"] = "line one\nline two",
            ["not a name"] = "x",
            ["CODER_WORKSPACE_ID"] = "w1",
        };

        var arguments = await server.PrepareAsync(environment, CancellationToken.None);
        string config = arguments[^1];
        Assert.Equal(["-i", "-e", "-f"], arguments.Take(3));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        var setEnv = File.ReadAllLines(config).Where(l => l.StartsWith("SetEnv ", StringComparison.Ordinal)).ToList();
        // One line: sshd takes only the first SetEnv line it reads.
        Assert.Equal(["SetEnv CODER_WORKSPACE_ID=\"w1\" TOKEN=\"a \\\"quoted\\\" \\\\ value # kept\""], setEnv);

        // sshd itself reads it so: its extended test mode prints the effective settings.
        var test = new System.Diagnostics.ProcessStartInfo(SshServer.Locate()!, ["-T", "-f", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using (var sshd = System.Diagnostics.Process.Start(test)!)
        {
            var errors = sshd.StandardError.ReadToEndAsync();
            string effective = await sshd.StandardOutput.ReadToEndAsync();
            await sshd.WaitForExitAsync();
            Assert.True(sshd.ExitCode == 0, await errors);
            Assert.Equal(["setenv CODER_WORKSPACE_ID=w1", "setenv TOKEN=a \"quoted\" \\ value # kept"],
                effective.Split('\n').Where(l => l.StartsWith("setenv ", StringComparison.Ordinal)));
        }

        // A second session has its own file, so neither reads the other's half-written one.
        var second = await server.PrepareAsync(environment, CancellationToken.None);
        Assert.NotEqual(config, second[^1]);

        SshServer.Forget(arguments);
        Assert.False(File.Exists(config));
        Assert.True(File.Exists(second[^1]));
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
